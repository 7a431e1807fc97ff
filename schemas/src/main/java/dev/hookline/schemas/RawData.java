package dev.hookline.schemas;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Event data kept as the exact JSON text it arrived in, instead of a tree: a raw node writes that
 * text back verbatim wherever it is serialised (a body, a dead letter, a task). The worker reads
 * delivery tasks this way (issue 20): it never looks inside the data, and decoding it into a tree
 * only to write the same bytes into the body it signs and the {@code events.payload} it records was
 * a fifth of its CPU. The body's data is then the task's bytes themselves, so the payload recorded
 * is by construction the text that was signed (V9).
 */
public final class RawData {
  private static final String SOURCE = "hookline.rawData.source";

  /** Delivery tasks, leniently as {@link Json#fromBytes}, but every JSON node kept raw. */
  private static final ObjectReader TASKS =
      Json.MAPPER
          .copy()
          .registerModule(
              new SimpleModule("raw-data").addDeserializer(JsonNode.class, new Deserializer()))
          .reader()
          .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .forType(DeliveryTask.class);

  private RawData() {}

  /** A node that serialises as {@code json}, written verbatim (the caller vouches it is JSON). */
  public static JsonNode of(String json) {
    return JsonNodeFactory.instance.rawValueNode(new RawValue(json));
  }

  /**
   * A node that serialises as {@code json}, whose UTF-8 bytes {@code utf8} are (the caller vouches
   * for both): a generator writing bytes copies them instead of encoding the text again.
   */
  public static JsonNode of(String json, byte[] utf8) {
    return JsonNodeFactory.instance.rawValueNode(new RawValue(new Utf8Text(json, utf8)));
  }

  /** The text of a node made by {@link #of}, or null for any other node. */
  public static String textOf(JsonNode node) {
    if (node instanceof POJONode p && p.getPojo() instanceof RawValue r) {
      if (r.rawValue() instanceof String s) return s;
      if (r.rawValue() instanceof Utf8Text t) return t.getValue();
    }
    return null;
  }

  /**
   * Writes a node made by {@link #of} as its raw value and answers true, or answers false for any
   * other node.
   */
  public static boolean writeRaw(JsonNode node, JsonGenerator g) throws IOException {
    if (!(node instanceof POJONode p && p.getPojo() instanceof RawValue r)) return false;
    if (r.rawValue() instanceof SerializableString s) g.writeRawValue(s);
    else if (r.rawValue() instanceof String s) g.writeRawValue(s);
    else return false;
    return true;
  }

  /** Text whose UTF-8 form is known: Jackson's own cache of it filled with those bytes. */
  private static final class Utf8Text extends SerializedString {
    Utf8Text(String text, byte[] utf8) {
      super(text);
      _unquotedUTF8Ref = utf8;
    }
  }

  /**
   * The JSON text of event data as it is written into a body: the raw text itself, or the tree
   * written as {@link Json#toBytes} writes it (as bytes: Jackson escapes a character outside the
   * BMP there, not in a String).
   */
  public static String text(JsonNode data) {
    String raw = textOf(data);
    return raw != null ? raw : new String(Json.toBytes(data), StandardCharsets.UTF_8);
  }

  /**
   * A delivery task whose event data is the exact text of {@code bytes} between its braces (or
   * brackets); data of another kind (a string, a number) is read as a tree.
   *
   * @throws UncheckedIOException when the bytes are not a delivery task
   */
  public static DeliveryTask readTask(byte[] bytes) {
    try {
      return TASKS.withAttribute(SOURCE, bytes).readValue(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("invalid DeliveryTask JSON: " + e.getMessage(), e);
    }
  }

  /** Cuts an object or array out of the source bytes by the parser's byte offsets. */
  private static final class Deserializer extends JsonDeserializer<JsonNode> {
    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (ctxt.getAttribute(SOURCE) instanceof byte[] source
          && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
        long start = p.currentTokenLocation().getByteOffset();
        p.skipChildren(); // still checks the structure: unbalanced or broken JSON throws
        long end = p.currentTokenLocation().getByteOffset() + 1;
        if (start < 0 || end > source.length || end <= start) {
          throw ctxt.weirdStringException("", JsonNode.class, "no byte offsets for the data");
        }
        return of(new String(source, (int) start, (int) (end - start), StandardCharsets.UTF_8));
      }
      // not ctxt.readTree: that would come back here
      return JsonNodeDeserializer.getDeserializer(JsonNode.class).deserialize(p, ctxt);
    }
  }
}
