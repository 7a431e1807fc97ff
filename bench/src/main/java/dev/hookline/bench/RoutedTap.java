package dev.hookline.bench;

import dev.hookline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Splits the publish-to-receive latency in two: a plain read_committed consumer (no group, not in
 * the share group, takes nothing away from the workers) reads {@code hookline.deliveries} from its
 * end and records, per task, the delay from the event's {@code ce_time} to the moment the task
 * became readable, i.e. routed and committed by the router. The rest is the workers' part.
 */
final class RoutedTap implements AutoCloseable {
  private static final byte[] KEY = "\"time\":\"".getBytes(StandardCharsets.US_ASCII);
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Recorder recorder = new Recorder(GroupStats.MAX_LATENCY_MS, 3);
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;

  RoutedTap(String bootstrapServers) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-routed-tap"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.DELIVERIES).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before the events come
    thread = Thread.ofPlatform().name("bench-routed-tap").daemon().start(this::run);
  }

  private void run() {
    while (!stop.get()) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        long now = System.currentTimeMillis();
        long eventMs = eventTime(record.value());
        if (eventMs > 0)
          recorder.recordValue(Math.min(GroupStats.MAX_LATENCY_MS, Math.max(0, now - eventMs)));
      }
    }
    consumer.close();
  }

  /** The task's event time: the first {@code "time"} of a delivery task is its event's. */
  static long eventTime(byte[] task) {
    outer:
    for (int i = 0; i + KEY.length < task.length && i < 1024; i++) {
      for (int j = 0; j < KEY.length; j++) {
        if (task[i + j] != KEY[j]) continue outer;
      }
      int start = i + KEY.length;
      int end = start;
      while (end < task.length && task[end] != '"') end++;
      try {
        return Instant.parse(new String(task, start, end - start, StandardCharsets.US_ASCII))
            .toEpochMilli();
      } catch (DateTimeParseException e) {
        return -1;
      }
    }
    return -1;
  }

  /** What it saw since the previous call. */
  Histogram take() {
    return recorder.getIntervalHistogram();
  }

  @Override
  public void close() {
    stop.set(true);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
