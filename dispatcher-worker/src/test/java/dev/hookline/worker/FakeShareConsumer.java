package dev.hookline.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.AcknowledgementCommitCallback;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * A share consumer behaving like the real one in explicit mode where the worker can tell: poll
 * blocks up to its timeout, refuses to run while records of the last poll are unacknowledged,
 * RELEASE hands a record out again, wakeup interrupts a poll.
 */
final class FakeShareConsumer implements ShareConsumer<byte[], byte[]> {
  final BlockingQueue<ConsumerRecord<byte[], byte[]>> queue = new LinkedBlockingQueue<>();
  final List<String> events = new CopyOnWriteArrayList<>();
  final Map<ConsumerRecord<byte[], byte[]>, AcknowledgeType> lastAck = new ConcurrentHashMap<>();
  private final Set<ConsumerRecord<byte[], byte[]>> unacknowledged = ConcurrentHashMap.newKeySet();
  private final Set<String> subscription = ConcurrentHashMap.newKeySet();
  private volatile boolean wakeup;
  volatile boolean closed;
  volatile Thread owner;

  @Override
  public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    checkThread();
    if (!unacknowledged.isEmpty())
      throw new IllegalStateException("records of the last poll not acknowledged");
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    try {
      while (batch.isEmpty() && System.nanoTime() < deadline) {
        if (wakeup) {
          wakeup = false;
          throw new WakeupException();
        }
        ConsumerRecord<byte[], byte[]> first = queue.poll(20, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    unacknowledged.addAll(batch);
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      byPartition
          .computeIfAbsent(new TopicPartition(r.topic(), r.partition()), p -> new ArrayList<>())
          .add(r);
    }
    if (!batch.isEmpty()) events.add("poll:" + batch.size());
    return new ConsumerRecords<>(byPartition, Map.of());
  }

  @Override
  public void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
    checkThread();
    if (!unacknowledged.remove(record))
      throw new IllegalStateException("not in flight: " + record.offset());
    events.add("ack:" + type.name());
    lastAck.put(record, type);
    if (type == AcknowledgeType.RELEASE) queue.add(record);
  }

  @Override
  public Map<TopicIdPartition, Optional<KafkaException>> commitSync() {
    checkThread();
    events.add("commit");
    return Map.of();
  }

  @Override
  public void subscribe(Collection<String> topics) {
    owner = Thread.currentThread();
    subscription.addAll(topics);
  }

  @Override
  public Set<String> subscription() {
    return Set.copyOf(subscription);
  }

  @Override
  public void wakeup() {
    wakeup = true;
  }

  @Override
  public void close() {
    events.add("close");
    closed = true;
  }

  @Override
  public void close(Duration timeout) {
    close();
  }

  private void checkThread() {
    if (owner != null && owner != Thread.currentThread())
      throw new IllegalStateException("used from two threads");
  }

  @Override
  public void unsubscribe() {
    subscription.clear();
  }

  @Override
  public void acknowledge(ConsumerRecord<byte[], byte[]> record) {
    acknowledge(record, AcknowledgeType.ACCEPT);
  }

  @Override
  public void acknowledge(String topic, int partition, long offset, AcknowledgeType type) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<TopicIdPartition, Optional<KafkaException>> commitSync(Duration timeout) {
    return commitSync();
  }

  @Override
  public void commitAsync() {
    checkThread();
    events.add("commit");
  }

  @Override
  public void setAcknowledgementCommitCallback(AcknowledgementCommitCallback callback) {}

  @Override
  public Uuid clientInstanceId(Duration timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<Integer> acquisitionLockTimeoutMs() {
    return Optional.of(30_000);
  }

  @Override
  public Map<MetricName, ? extends Metric> metrics() {
    return Map.of();
  }

  @Override
  public void registerMetricForSubscription(KafkaMetric metric) {}

  @Override
  public void unregisterMetricFromSubscription(KafkaMetric metric) {}
}
