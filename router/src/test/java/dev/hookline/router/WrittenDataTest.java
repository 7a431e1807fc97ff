package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.DeliveredBody;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.RawData;
import dev.hookline.schemas.Trigger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Event data kept as its bytes ({@link WrittenData}) gives the tasks and the bodies the tree gave,
 * byte for byte, and every value the tree refused is refused with the same reason. The reference is
 * the router before issue 20's change: the strict tree reader, then the task written from the tree;
 * the worker's codec ({@link RawData#readTask}) reads both, and the body it signs is the same.
 */
class WrittenDataTest {
  private static final ObjectReader OLD_READER =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final EventReader READER = new EventReader(type -> true);
  private static final Instant TIME = Instant.parse("2026-11-28T10:15:30.123Z");

  @Test
  void jacksonsCompactFormIsKeptAsItCame() {
    byte[] value =
        utf8(
            "{\"a\":1,\"b\":-2.5,\"c\":\"caf\u00e9 \\\"q\\\" \\n\",\"d\":[true,null,{}],\"e\":1.0E10}");
    JsonNode data = WrittenData.read(value);
    assertThat(RawData.textOf(data)).isEqualTo(new String(value, StandardCharsets.UTF_8));
    assertThat(RawData.textOf(data).getBytes(StandardCharsets.UTF_8))
        .isEqualTo(Json.toBytes(Json.readTree(value)));
  }

  @Test
  void whatTheTreeWritesOtherwiseIsLeftToTheTree() {
    for (String other :
        List.of(
            "{ \"a\":1}",
            "{\"a\": 1}",
            "{\"a\":1}\n",
            "\ufeff{\"a\":1}",
            "{\"a\":\"\\/\"}",
            "{\"a\":\"\\u00e9\"}",
            "{\"a\":\"\\u0000\"}", // Jackson writes \u0000 too, but it is left to the tree
            "{\"a\":\"\ud83d\ude00\"}",
            "{\"a\":1.50}",
            "{\"a\":1e2}",
            "{\"a\":1E+2}",
            "{\"a\":-0}",
            "{\"a\":1e400}",
            "{\"a\":0.10000000000000000555}",
            "{\"a\":1,\"a\":2}",
            "{\"o\":{\"a\":1,\"b\":2,\"c\":3,\"a\":4}}",
            "[1]",
            "\"a\"",
            "{}x",
            "{}{}",
            "{\"a\":1",
            "{\"a\":\"\u0001\"}",
            "")) {
      assertThat(WrittenData.read(utf8(other))).as(other).isNull();
    }
    assertThat(
            WrittenData.read(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0x80, '"', '}'}))
        .as("an overlong NUL")
        .isNull();
    assertThat(
            WrittenData.read(
                new byte[] {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ':', '1', '}'}))
        .as("a surrogate in UTF-8")
        .isNull();
    assertThat(WrittenData.read(utf8("{" + "\"a\":[".repeat(1200) + "]".repeat(1200) + "}")))
        .as("deeper than Jackson reads")
        .isNull();
  }

  /** Random data, written compactly by Jackson and then bent: the old and new router agree. */
  @Test
  void randomDataGivesTheSameTasksBodiesAndRefusals() throws IOException {
    Random random = new Random(20_28);
    int kept = 0;
    for (int i = 0; i < 4000; i++) {
      JsonNode tree = randomObject(random, 0);
      byte[] compact = Json.toBytes(tree);
      byte[] value = i % 4 == 0 ? compact : bend(compact, random);
      Outcome old = oldRouter(value);
      Outcome now = newRouter(value);
      assertThat(now.reason).as(show(value)).isEqualTo(old.reason);
      assertThat(now.task).as(show(value)).isEqualTo(old.task);
      assertThat(now.body).as(show(value)).isEqualTo(old.body);
      if (old.task != null && RawData.textOf(eventOf(value).data()) != null) kept++;
      if (i % 4 == 0 && !hasUnicodeEscape(compact)) {
        assertThat(WrittenData.read(compact)).as("compact: " + show(compact)).isNotNull();
      }
    }
    assertThat(kept).as("data kept as bytes").isGreaterThan(400);
  }

  /** The old router: the strict tree reader, a task written from the tree, its body. */
  private static Outcome oldRouter(byte[] value) {
    if (value.length == 0)
      return new Outcome(
          "the value is empty; it must be the event data, a JSON object", null, null);
    JsonNode data;
    try {
      data = OLD_READER.readTree(value);
    } catch (IOException e) {
      String m = e.getMessage() == null ? "unreadable" : e.getMessage().split("\n", 2)[0];
      return new Outcome(OneLine.of("the value is not valid JSON: " + m, 200), null, null);
    }
    if (data == null || !data.isObject()) {
      return new Outcome(
          OneLine.of(
              "the value must be a JSON object, was "
                  + (data == null ? "nothing" : data.getNodeType().name().toLowerCase(Locale.ROOT)),
              200),
          null,
          null);
    }
    return written(event(data));
  }

  private static Outcome newRouter(byte[] value) {
    return switch (READER.read(RouterTopologyTest.valid(), value, TIME)) {
      case EventReader.Invalid invalid -> new Outcome(invalid.reason(), null, null);
      case EventReader.Valid valid -> written(valid.event());
    };
  }

  private static Event eventOf(byte[] value) {
    return ((EventReader.Valid) READER.read(RouterTopologyTest.valid(), value, TIME)).event();
  }

  /** The task for one webhook, for two (data written once), and the body the worker signs. */
  private static Outcome written(Event event) {
    DeliveryTask task =
        new DeliveryTask(
            UUID.fromString("00000000-0000-0000-0000-000000000001"),
            UUID.fromString("00000000-0000-0000-0000-000000000002"),
            7,
            1,
            Trigger.EVENT,
            event,
            null);
    byte[] one = TaskJson.bytes(task);
    DeliveryTask shared =
        new DeliveryTask(
            task.deliveryId(),
            task.webhookId(),
            7,
            1,
            Trigger.EVENT,
            EventRouter.withDataSerialisedOnce(event),
            null);
    byte[] two = TaskJson.bytes(shared);
    assertThat(two).isEqualTo(one);
    byte[] body = DeliveredBody.bytes(RawData.readTask(one).event());
    assertThat(body)
        .isEqualTo(Json.toBytes(DeliveredBody.of(Json.fromBytes(one, DeliveryTask.class).event())));
    return new Outcome(null, new String(one, StandardCharsets.UTF_8), body);
  }

  private static Event event(JsonNode data) {
    return new Event("evt-x", "payment_received", "/billing", TIME, data, null);
  }

  private record Outcome(String reason, String task, byte[] body) {}

  // ---- random data ----

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static ObjectNode randomObject(Random r, int depth) {
    ObjectNode o = NODES.objectNode();
    int n = r.nextInt(depth == 0 ? 8 : 4);
    for (int i = 0; i < n; i++) o.set(randomString(r), randomValue(r, depth + 1));
    return o;
  }

  private static JsonNode randomValue(Random r, int depth) {
    int kind = r.nextInt(depth > 4 ? 7 : 9);
    return switch (kind) {
      case 0 -> NODES.textNode(randomString(r));
      case 1 -> NODES.numberNode(r.nextInt(2001) - 1000);
      case 2 -> NODES.numberNode(r.nextLong());
      case 3 -> NODES.numberNode(randomDouble(r));
      case 4 -> NODES.numberNode(new BigInteger(100, r).negate());
      case 5 -> NODES.booleanNode(r.nextBoolean());
      case 6 -> NODES.nullNode();
      case 7 -> randomObject(r, depth);
      default -> {
        ArrayNode a = NODES.arrayNode();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) a.add(randomValue(r, depth + 1));
        yield a;
      }
    };
  }

  private static double randomDouble(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> r.nextInt(100000) / 100.0;
      case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
      case 2 -> -r.nextGaussian();
      case 3 -> (double) r.nextInt(100);
      default -> Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL);
    };
  }

  private static final String[] PIECES = {
    "a", "id", "total", "x y", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", "\u0000", "\u001f",
    "\u007f", "é", "ü", "中", "\u2028", "\uffff", "😀", "\ud83d", "-", "0", "1.5", "{", "]", ":", ","
  };

  private static String randomString(Random r) {
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) s.append(PIECES[r.nextInt(PIECES.length)]);
    return s.toString();
  }

  /**
   * One change to the written bytes: white space, another escape or number form, a key twice, a
   * broken byte.
   */
  private static byte[] bend(byte[] compact, Random r) {
    String s = new String(compact, StandardCharsets.UTF_8);
    String bent =
        switch (r.nextInt(14)) {
          case 0 -> s.replaceFirst(":", ": ");
          case 1 -> " " + s;
          case 2 -> s + "\n";
          case 3 -> s.replace("/", "\\/");
          case 4 -> s.replace("é", "\\u00e9").replace("中", "\\u4E2D");
          case 5 -> s.replaceFirst("([0-9])([,}\\]])", "$1.0$2");
          case 6 -> s.replaceFirst("\\.([0-9]+)", ".$10");
          case 7 -> s.replaceFirst("E", "e+");
          case 8 ->
              s.length() > 2 ? "{\"dup\":1," + s.substring(1, s.length() - 1) + ",\"dup\":2}" : s;
          case 9 -> s.substring(0, r.nextInt(s.length()));
          case 10 -> s + "x";
          case 11 -> s.replaceFirst(":-?[0-9]+([,}])", ":-0$1");
          case 12 -> s.replace("\\u001F", "\\u001f");
          default -> null;
        };
    if (bent != null) return utf8(bent);
    byte[] broken = compact.clone();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = r.nextInt(broken.length);
    out.write(broken, 0, at);
    out.write(new byte[] {(byte) (0x80 + r.nextInt(0x80))}, 0, 1);
    out.write(broken, at, broken.length - at);
    return out.toByteArray();
  }

  private static boolean hasUnicodeEscape(byte[] compact) {
    String s = new String(compact, StandardCharsets.UTF_8);
    return s.contains("\\u");
  }

  private static String show(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
