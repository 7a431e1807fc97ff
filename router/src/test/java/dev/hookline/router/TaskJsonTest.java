package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.RawData;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The router's task writer gives the same bytes as the mapper, the form every writer gives. */
class TaskJsonTest {
  private static final String DATA =
      "{ \"b\" : 1.50, \"a\": \"caf\\u00e9 \\u0000 \\\"q\\\" \\/ \\ud83d\\ude00\","
          + " \"n\": [1e2, -0.0, 123456789012345678901234567890], \"o\": {\"z\": null}}";

  @Test
  void writesWhatTheMapperWritesForEveryShapeOfTask() {
    List<DeliveryTask> tasks = new ArrayList<>();
    JsonNode tree = Json.readTree(DATA.getBytes(StandardCharsets.UTF_8));
    List<JsonNode> datas =
        List.of(tree, RawData.of(RawData.text(tree)), Json.MAPPER.createObjectNode());
    List<String> texts =
        List.of("plain", "quote \" backslash \\ tab \t nul \u0000", "é 😀 \u2028", "");
    List<Instant> times =
        List.of(
            Instant.parse("2026-11-28T09:30:00Z"),
            Instant.parse("2026-11-28T09:30:00.120Z"),
            Instant.ofEpochSecond(1_764_322_200L, 123_456_789),
            Instant.ofEpochSecond(-1, 1));
    int i = 0;
    for (JsonNode data : datas) {
      for (String text : texts) {
        for (Instant time : times) {
          String eventTenant = i % 3 == 0 ? null : "tenant-" + text;
          String taskTenant = i % 2 == 0 ? null : "t:" + text;
          Event event =
              new Event("id " + text, "payment_received", "urn:" + text, time, data, eventTenant);
          tasks.add(
              new DeliveryTask(
                  UUID.randomUUID(),
                  UUID.randomUUID(),
                  i * 1_000_000_007L,
                  1 + i % 4,
                  Trigger.values()[i % Trigger.values().length],
                  event,
                  taskTenant));
          i++;
        }
      }
    }
    for (DeliveryTask task : tasks) {
      assertThat(new String(TaskJson.bytes(task), StandardCharsets.UTF_8))
          .isEqualTo(new String(Json.toBytes(task), StandardCharsets.UTF_8));
    }
  }
}
