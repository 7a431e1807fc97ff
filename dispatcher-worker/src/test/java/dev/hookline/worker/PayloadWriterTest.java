package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
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
}
