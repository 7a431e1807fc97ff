package dev.hookline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A task's data read as the exact text it had in the record, written back verbatim. */
class RawDataTest {
  /**
   * Odd spacing, escapes, a NUL escape, a character outside the BMP raw, numbers a tree rewrites.
   */
  private static final String DATA =
      "{ \"b\" : 1.50,\n\t\"a\":\"caf\u00e9 \\u0000 \\\"q\\\" \\/ \uD83D\uDE00\", \"n\": [1e2, -0.0,"
          + " {\"z\": null}], \"big\": 123456789012345678901234567890 }";

  private static byte[] task(String data) {
    return ("{\"deliveryId\":\""
            + UUID.randomUUID()
            + "\",\"webhookId\":\""
            + UUID.randomUUID()
            + "\",\"webhookVersion\":3,\"attempt\":1,\"trigger\":\"event\",\"event\":{\"id\":\"e1\","
            + "\"type\":\"payment_received\",\"source\":\"/s\",\"time\":\"2026-11-28T10:15:30.123Z\","
            + "\"data\":"
            + data
            + ",\"tenant\":\"t\",\"futureField\":{\"x\":[1]}},\"tenant\":\"t\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theDataIsTheRecordsTextByteForByteAndTheRestAsUsual() {
    byte[] bytes = task(DATA);

    DeliveryTask raw = RawData.readTask(bytes);
    DeliveryTask tree = Json.fromBytes(bytes, DeliveryTask.class);

    assertThat(RawData.textOf(raw.event().data())).isEqualTo(DATA);
    assertThat(RawData.text(raw.event().data())).isEqualTo(DATA);
    assertThat(RawData.textOf(tree.event().data())).isNull();
    assertThat(raw.event().time()).isEqualTo(Instant.parse("2026-11-28T10:15:30.123Z"));
    assertThat(raw).usingRecursiveComparison().ignoringFields("event.data").isEqualTo(tree);
    // written again (a body, a dead letter, a task), the text is kept verbatim
    assertThat(new String(Json.toBytes(DeliveredBody.of(raw.event())), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"payment_received\",\"timestamp\":\"2026-11-28T10:15:30.123Z\",\"data\":"
                + DATA
                + "}");
    assertThat(DeliveredBody.bytes(raw.event()))
        .isEqualTo(Json.toBytes(DeliveredBody.of(raw.event())));
    assertThat(DeliveredBody.bytes(tree.event()))
        .isEqualTo(Json.toBytes(DeliveredBody.of(tree.event())));
    // a type JSON must escape goes through the generator
    Event odd = new Event("e", "a\"b\u00e9", "/s", raw.event().time(), raw.event().data(), null);
    assertThat(DeliveredBody.bytes(odd)).isEqualTo(Json.toBytes(DeliveredBody.of(odd)));
    // and reads as the same tree
    assertThat(Json.readTree(Json.toBytes(raw.event().data()))).isEqualTo(tree.event().data());
  }

  @Test
  void aTreeIsWrittenAsTheBodyWritesIt() {
    JsonNode tree =
        Json.readTree("{\"a\": \"\uD83D\uDE00\", \"b\": 1.50}".getBytes(StandardCharsets.UTF_8));

    // as bytes: the character outside the BMP escaped, as in the body the worker signs
    assertThat(RawData.text(tree)).isEqualTo("{\"a\":\"\\uD83D\\uDE00\",\"b\":1.5}");
    assertThat(RawData.text(RawData.of("[1, 2]"))).isEqualTo("[1, 2]");
  }

  @Test
  void dataThatIsNoObjectIsReadAsATreeAndBrokenDataIsRefused() {
    assertThat(RawData.readTask(task("\"text\"")).event().data().asText()).isEqualTo("text");
    assertThat(RawData.textOf(RawData.readTask(task("[1, 2]")).event().data())).isEqualTo("[1, 2]");

    assertThatThrownBy(() -> RawData.readTask(task("{\"a\": }")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("invalid DeliveryTask JSON");
    assertThatThrownBy(() -> RawData.readTask(task("{\"a\": [1}")))
        .isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> RawData.readTask(task("null")))
        .isInstanceOf(UncheckedIOException.class);
  }
}
