package dev.hookline.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Json;
import java.io.IOException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/events} or of its batch form, parsed once: the tree the checks
 * read, and the bytes of each event's {@code data} object as the client sent them (whitespace
 * outside strings dropped), so that the data goes to Kafka without being written as JSON again
 * (issue 20: writing it was 8 % of a single request's CPU in the admin API).
 *
 * <p>Only the successful parse is done here; a body this cannot read is read again by {@link
 * Requests#jsonObject}, which answers it with the problem it always gave.
 *
 * @param tree the body, as {@link Requests#jsonObject} would give it
 * @param data the bytes of each {@code data} object (at the top or in an item of {@code events}),
 *     by identity of its node
 */
record EventBodies(ObjectNode tree, Map<JsonNode, byte[]> data) {
  // Duplicate keys are malformed, as in Requests, but found here by the tree as it is built (a
  // key put twice into one object) rather than by the parser's duplicate detection, which kept a
  // set of every object's names besides the tree's own map: 2 % of a single request's CPU (issue
  // 20). A body with one fails this pass and goes to Requests, which names it as always. Trailing
  // tokens are checked here, since a value read in the middle of the body is followed by more.
  private static final ObjectReader VALUES =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** The bytes of {@code data} as sent, or null when this body did not keep them. */
  byte[] dataOf(JsonNode data) {
    return data == null ? null : this.data.get(data);
  }

  /**
   * The body as a JSON object with the bytes of its events' data: 415 unless sent as JSON, 413 over
   * {@code maxBytes}, 400 when it is empty, malformed or not an object.
   */
  static EventBodies read(io.javalin.http.Context ctx, int maxBytes) {
    return of(Requests.jsonBytes(ctx, maxBytes));
  }

  /** The body read by {@link Requests#jsonBytes}: 400 when malformed or not an object. */
  static EventBodies of(byte[] bytes) {
    EventBodies parsed = parse(bytes);
    if (parsed != null) return parsed;
    // malformed in some way: the general reader names what is wrong
    return new EventBodies((ObjectNode) Requests.parseObject(bytes), Map.of());
  }

  /** The body and its data bytes, or null when it is not a well-formed JSON object. */
  static EventBodies parse(byte[] bytes) {
    Map<JsonNode, byte[]> data = new IdentityHashMap<>();
    try (JsonParser p = VALUES.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      ObjectNode tree = object(p, bytes, data, true);
      if (p.nextToken() != null) return null;
      return new EventBodies(tree, data);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The object whose START_OBJECT is the current token; {@code top}: may hold {@code events}. */
  private static ObjectNode object(
      JsonParser p, byte[] bytes, Map<JsonNode, byte[]> data, boolean top) throws IOException {
    ObjectNode node = Json.MAPPER.getNodeFactory().objectNode();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      JsonNode value;
      if (name.equals("data") && token == JsonToken.START_OBJECT) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        value = value(p);
        // the current token is the data's closing brace, one byte
        int end = (int) p.currentTokenLocation().getByteOffset() + 1;
        if (start < 0 || end <= start || bytes[start] != '{' || bytes[end - 1] != '}')
          throw new IllegalStateException("unexpected token offsets");
        data.put(value, compact(bytes, start, end));
      } else if (top && name.equals("events") && token == JsonToken.START_ARRAY) {
        ArrayNode items = Json.MAPPER.getNodeFactory().arrayNode();
        JsonToken item;
        while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
          items.add(item == JsonToken.START_OBJECT ? object(p, bytes, data, false) : value(p));
        }
        value = items;
      } else {
        value = value(p);
      }
      if (node.replace(name, value) != null) throw new IllegalStateException("duplicate key");
    }
    return node;
  }

  private static JsonNode value(JsonParser p) throws IOException {
    JsonNode value = VALUES.readTree(p);
    return value == null ? NullNode.getInstance() : value;
  }

  /**
   * {@code bytes[start, end)}, a well-formed JSON value, without the whitespace between its tokens
   * (strings kept as they are).
   */
  static byte[] compact(byte[] bytes, int start, int end) {
    byte[] out = null;
    int n = 0;
    boolean inString = false;
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (inString) {
        if (b == '\\') {
          if (out != null) out[n++] = b;
          i++;
          b = bytes[i];
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        if (out == null) {
          out = new byte[end - start];
          n = i - start;
          System.arraycopy(bytes, start, out, 0, n);
        }
        continue;
      }
      if (out != null) out[n++] = b;
    }
    return out == null ? Arrays.copyOfRange(bytes, start, end) : Arrays.copyOf(out, n);
  }
}
