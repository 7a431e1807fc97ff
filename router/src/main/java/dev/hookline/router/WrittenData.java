package dev.hookline.router;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.RawData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Event data kept as the bytes it arrived in, when those bytes are already what the router would
 * write for it (issue 20): {@code Json.toBytes(Json.readTree(value))}, byte for byte. Reading the
 * data into a tree and writing the tree into every task was 30 % of the stream thread; data in that
 * form, the compact JSON that {@code EventPublisher} and any Jackson producer writes, is checked by
 * Jackson's streaming parser instead and written into the tasks as it came.
 *
 * <p>Anything else, valid or not, is left to the tree as before ({@link #read} answers null): white
 * space between tokens, an escape Jackson writes otherwise ({@code \/}, {@code \u00e9}), a
 * character outside the BMP (Jackson escapes it), a number the tree writes otherwise ({@code 1.50},
 * {@code 1e2}, {@code -0}), a key given twice (the tree keeps the last), a byte order mark, and
 * every error. So the tasks, the bodies, their signatures and the refusals of broken data stay what
 * they were; {@code WrittenDataTest} holds the bytes equal over random data of every kind.
 */
final class WrittenData {
  /** As the router's tree reader, and a key twice is not the written form. */
  private static final ObjectReader STREAMING =
      Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private WrittenData() {}

  /**
   * The data as a raw node of its own text when {@code value} is a JSON object in the form Jackson
   * writes it; null when it is not (or is not JSON at all: the caller reads it as a tree, which
   * says why).
   */
  static JsonNode read(byte[] value) {
    String text = writtenText(value);
    if (text == null || !checked(value)) return null;
    return RawData.of(text, value); // the tasks copy the bytes, no second encoding
  }

  /**
   * The bytes as text if, byte by byte, nothing in them is written otherwise by Jackson's generator
   * (no white space outside strings, only the escapes it writes itself, UTF-8 of the BMP without
   * surrogates); null otherwise. Whether they are JSON is the parser's to say ({@link #checked}).
   */
  private static String writtenText(byte[] value) {
    boolean inString = false;
    boolean ascii = true;
    for (int i = 0; i < value.length; i++) {
      int b = value[i] & 0xff;
      if (!inString) {
        if (b == '"') inString = true;
        else if (b <= ' ' || b >= 0x80) return null; // white space, a control byte, a BOM
      } else if (b == '"') {
        inString = false;
      } else if (b == '\\') {
        if (++i == value.length || !writtenEscape(value[i])) return null;
      } else if (b >= 0x80) {
        if (b >= 0xf0) return null; // outside the BMP: Jackson writes it as two \\u escapes
        ascii = false;
      }
    }
    if (ascii) return new String(value, StandardCharsets.ISO_8859_1);
    try {
      // refuses what is not the shortest UTF-8 of a character (overlong forms, surrogates)
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The escapes Jackson writes as they are; it writes the others ({@code \/, \\u...}) otherwise.
   */
  private static boolean writtenEscape(byte b) {
    return b == '"' || b == '\\' || b == 'n' || b == 'r' || b == 't' || b == 'b' || b == 'f';
  }

  /**
   * Whether Jackson's streaming parser reads the bytes as one JSON object (the tree reader's
   * settings, nothing after it) with no key twice in an object and every number as the tree would
   * write it.
   */
  private static boolean checked(byte[] value) {
    try (JsonParser p = STREAMING.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      int depth = 1;
      while (depth > 0) {
        JsonToken t = p.nextToken();
        if (t == null) return false;
        switch (t) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case VALUE_NUMBER_INT -> {
            if (negativeZero(p)) return false; // the tree writes 0
          }
          case VALUE_NUMBER_FLOAT -> {
            // the tree keeps a double and writes it as the generator writes a double
            double d = p.getDoubleValue();
            if (!Double.isFinite(d) || !NumberOutput.toString(d, false).equals(p.getText()))
              return false;
          }
          default -> {}
        }
      }
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false; // not JSON, a key twice, too deep...: the tree reader decides and says why
    }
  }

  private static boolean negativeZero(JsonParser p) throws IOException {
    if (p.getTextLength() != 2) return false;
    char[] chars = p.getTextCharacters();
    int at = p.getTextOffset();
    return chars[at] == '-' && chars[at + 1] == '0';
  }
}
