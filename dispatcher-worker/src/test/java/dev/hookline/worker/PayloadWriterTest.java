package dev.hookline.worker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.RawData;
import dev.hookline.schemas.Trigger;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadWriterTest {
  @Test
  void writesTypeTimestampAndData() {
    Event event = Fixtures.event();
    JsonNode body = Json.readTree(PayloadWriter.body(event));

    List<String> fields = new java.util.ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("type", "timestamp", "data");
    assertThat(body.get("type").asText()).isEqualTo("payment_received");
    assertThat(body.get("timestamp").asText()).isEqualTo("2026-11-28T10:15:30.123Z");
    // RFC 3339: parses as an offset date-time
    assertThat(OffsetDateTime.parse(body.get("timestamp").asText()).toInstant())
        .isEqualTo(event.time());
    assertThat(body.get("data")).isEqualTo(event.data());
  }

  @Test
  void aDecodedTasksDataGoesIntoTheBodyAsTheRecordHadIt() {
    String data = "{ \"b\" : 1.50, \"a\": \"\\u00e9\" }"; // a tree would write {"b":1.5,"a":"é"}
    String record =
        new String(
            Json.toBytes(Fixtures.task(java.util.UUID.randomUUID(), 1, Trigger.EVENT)), UTF_8);
    String withData =
        record.replaceFirst(
            "\"data\":\\{[^}]*\\}", java.util.regex.Matcher.quoteReplacement("\"data\":" + data));
    assertThat(withData).contains(data);

    byte[] body = PayloadWriter.body(RawData.readTask(withData.getBytes(UTF_8)).event());

    assertThat(new String(body, UTF_8))
        .isEqualTo(
            "{\"type\":\"payment_received\",\"timestamp\":\"2026-11-28T10:15:30.123Z\",\"data\":"
                + data
                + "}");
  }
}
