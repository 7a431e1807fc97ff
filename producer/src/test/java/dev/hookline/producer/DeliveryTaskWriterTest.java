package dev.hookline.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DeliveryTaskWriterTest {
  private static final int PARTITIONS = 12;
  private static final UUID WEBHOOK = UUID.fromString("0190a1b2-0000-7000-8000-000000000001");

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(cluster(), true, null, new StringSerializer(), new ByteArraySerializer());
  private final DeliveryTaskWriter writer = DeliveryTaskWriter.over(producer);

  @Test
  void tasksOfOneWebhookAreSpreadOverThePartitionsKeyedByTheWebhookWithoutHeaders()
      throws Exception {
    List<DeliveryTask> tasks = new ArrayList<>();
    for (int i = 0; i < 100; i++) tasks.add(task("evt_" + i, Trigger.RETRY));

    writer.writeAll(tasks);

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertThat(sent).hasSize(100);
    assertThat(sent).allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.DELIVERIES));
    assertThat(sent).allSatisfy(r -> assertThat(r.key()).isEqualTo(WEBHOOK.toString()));
    assertThat(sent).allSatisfy(r -> assertThat(r.headers().toArray()).isEmpty());
    assertThat(sent)
        .allSatisfy(
            r ->
                assertThat(r.partition())
                    .as("the partition the router's partitioner gives the same bytes")
                    .isEqualTo(DeliveryTaskWriter.partition(null, r.value(), PARTITIONS)));
    Set<Integer> partitions =
        sent.stream().map(ProducerRecord::partition).collect(Collectors.toSet());
    assertThat(partitions).as("one webhook's tasks on many partitions").hasSizeGreaterThan(6);
    assertThat(Json.fromBytes(sent.get(0).value(), DeliveryTask.class)).isEqualTo(tasks.get(0));
  }

  @Test
  void oneTaskIsWrittenTheSameWay() throws Exception {
    DeliveryTask task = task("evt_manual", Trigger.MANUAL);
    writer.write(task);
    ProducerRecord<String, byte[]> sent = producer.history().get(0);
    assertThat(sent.key()).isEqualTo(WEBHOOK.toString());
    assertThat(sent.partition())
        .isEqualTo(DeliveryTaskWriter.partition(null, sent.value(), PARTITIONS));
  }

  @Test
  void aTenantsTasksOfEveryTriggerGoToItsLaneAndOtherTenantsMostlyElsewhere() throws Exception {
    List<DeliveryTask> tasks = new ArrayList<>();
    Trigger[] triggers = Trigger.values();
    for (int i = 0; i < 40; i++) tasks.add(task("evt_" + i, triggers[i % triggers.length], "acme"));

    writer.writeAll(tasks);

    assertThat(producer.history())
        .extracting(ProducerRecord::partition)
        .containsOnly(DeliveryTaskWriter.lane("acme", PARTITIONS));
    Set<Integer> lanes = new HashSet<>();
    for (int t = 0; t < 100; t++) lanes.add(DeliveryTaskWriter.lane("tenant-" + t, PARTITIONS));
    assertThat(lanes).as("100 tenants' lanes").hasSize(PARTITIONS);
  }

  @Test
  void deadLettersAreKeyedByTheWebhookAndCarryTheLastError() throws Exception {
    DeliveryTask task = task("evt_dead", Trigger.RETRY);
    Instant failedAt = Instant.parse("2026-12-01T10:00:00Z");
    writer.deadLetterAll(
        List.of(
            new DeadLetter(
                task, new DeadLetter.LastError(503, "http_status", "HTTP 503", failedAt))));
    ProducerRecord<String, byte[]> sent = producer.history().get(0);
    assertThat(sent.topic()).isEqualTo(Topics.DEAD_LETTER);
    assertThat(sent.key()).isEqualTo(WEBHOOK.toString());
    assertThat(Json.readTree(sent.value()).get("lastError").get("statusCode").asInt())
        .isEqualTo(503);
    assertThat(Json.fromBytes(sent.value(), DeadLetter.class).task()).isEqualTo(task);
  }

  @Test
  void aFailedSendFailsTheWrite() {
    producer.sendException = new TimeoutException("broker down");
    assertThatThrownBy(() -> writer.write(task("evt_lost", Trigger.TEST)))
        .hasMessageContaining("broker down");
  }

  @Test
  void producerSettingsAreReliableAndTunedForManySmallTasks() {
    var props =
        DeliveryTaskWriter.producerProperties(
            "k:9092",
            "hookline-test",
            Map.of("acks", "1", "security.protocol", "SSL", "group.id", "consumers-only"));
    assertThat(props)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("client.id", "hookline-test")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("compression.type", "lz4")
        .containsEntry("linger.ms", "5")
        .doesNotContainKey("group.id");
  }

  private static DeliveryTask task(String eventId, Trigger trigger) {
    return task(eventId, trigger, null);
  }

  private static DeliveryTask task(String eventId, Trigger trigger, String tenant) {
    Event event =
        new Event(
            eventId,
            "payment_received",
            "/payments",
            Instant.parse("2026-11-28T10:15:30Z"),
            Json.MAPPER.createObjectNode().put("amount", 4200),
            tenant);
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, WEBHOOK), WEBHOOK, 3, 2, trigger, event, tenant);
  }

  private static Cluster cluster() {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> partitions =
        IntStream.range(0, PARTITIONS)
            .mapToObj(
                p ->
                    new PartitionInfo(
                        Topics.DELIVERIES, p, node, new Node[] {node}, new Node[] {node}))
            .toList();
    return new Cluster("test", List.of(node), partitions, Set.of(), Set.of());
  }
}
