package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Retries and manual tasks, written by the one task writer on a real broker, spread over the
 * partitions of {@code hookline.deliveries} the way the router spreads its tasks (until this writer
 * they all went to the webhook's one partition).
 */
class DeliveryTaskWriterIT {

  @Test
  void oneWebhooksRetriesAndManualTasksSpreadOverThePartitionsLikeTheRoutersTasks()
      throws Exception {
    UUID webhook = UUID.randomUUID();
    List<DeliveryTask> tasks = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Event event =
          new Event(
              "evt_spread_" + i + "_" + webhook,
              "payment_received",
              "urn:test",
              Instant.now(),
              Json.MAPPER.createObjectNode().put("n", i),
              null);
      tasks.add(
          new DeliveryTask(
              DeliveryTask.deliveryIdFor(event, webhook),
              webhook,
              1,
              2,
              i % 2 == 0 ? Trigger.RETRY : Trigger.MANUAL,
              event,
              null));
    }
    try (DeliveryTaskWriter writer =
        DeliveryTaskWriter.create(TestInfra.bootstrapServers(), "hookline-test-tasks", Map.of())) {
      writer.writeAll(tasks.subList(0, 59));
      writer.write(tasks.get(59));
    }

    List<ConsumerRecord<String, byte[]>> written =
        TopicReader.recordsWithKey(Topics.DELIVERIES, webhook.toString());
    assertThat(written).hasSize(60);
    int partitions = TopicReader.partitionCount(Topics.DELIVERIES);
    assertThat(written)
        .allSatisfy(
            r -> {
              assertThat(r.partition())
                  .isEqualTo(DeliveryTaskWriter.partition(null, r.value(), partitions));
              assertThat(r.headers().toArray()).isEmpty();
            });
    Set<Integer> used = written.stream().map(ConsumerRecord::partition).collect(Collectors.toSet());
    assertThat(used).as("partitions used by one webhook's tasks").hasSizeGreaterThan(3);
  }
}
