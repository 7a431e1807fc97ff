package dev.hookline.admin.outbox;

import dev.hookline.store.Outbox;
import dev.hookline.store.OutboxRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the transactional outbox to Kafka: one background thread that repeatedly hands a batch
 * of unpublished rows to Kafka and lets {@link Outbox#relayBatch} mark them published only after
 * every record of the batch was acknowledged. A crash between the ack and the mark re-sends the
 * batch: fine, the records are keyed, versioned and land on a compacted topic.
 *
 * <p>It does not own the producer: the caller closes it after {@link #close()}.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  /**
   * @param pollInterval pause after an empty or partial batch
   * @param batchSize rows per batch (one transaction)
   * @param sendTimeout how long to wait for the broker's acks before giving the batch up
   * @param maxBackoff longest pause after consecutive failures (the pause doubles from pollInterval)
   */
  public record Settings(Duration pollInterval, int batchSize, Duration sendTimeout, Duration maxBackoff) {
    public Settings {
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(sendTimeout, "sendTimeout");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (batchSize < 1) throw new IllegalArgumentException("batchSize must be positive");
      if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("pollInterval must be positive");
    }

    public static Settings defaults() {
      return new Settings(Duration.ofMillis(100), 500, Duration.ofSeconds(30), Duration.ofSeconds(5));
    }
  }

  private final Outbox outbox;
  private final Producer<String, String> producer;
  private final Settings settings;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  public OutboxRelay(Outbox outbox, Producer<String, String> producer, Settings settings) {
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.thread = Thread.ofPlatform().name("hookline-outbox-relay").daemon().unstarted(this::run);
  }

  public OutboxRelay(Outbox outbox, Producer<String, String> producer) {
    this(outbox, producer, Settings.defaults());
  }

  /**
   * Producer settings the relay relies on: idempotent, {@code acks=all}, string serializers. Add
   * your own (security, client id) before creating the {@code KafkaProducer}.
   */
  public static Properties producerProperties(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5"); // <= 5 keeps order with idempotence
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "hookline-outbox-relay");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return props;
  }

  public OutboxRelay start() {
    thread.start();
    return this;
  }

  /**
   * Stops. A batch in flight gets a short grace period to be acknowledged, then is interrupted:
   * nothing of it is marked, so the next start sends it again.
   */
  @Override
  public void close() {
    stop.countDown();
    if (!thread.isAlive()) return;
    try {
      thread.join(CLOSE_GRACE.toMillis());
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    Duration backoff = settings.pollInterval();
    while (stop.getCount() > 0) {
      Duration pause;
      try {
        int relayed = outbox.relayBatch(settings.batchSize(), this::publishAll);
        backoff = settings.pollInterval();
        // a full batch means more are likely waiting: go again at once
        pause = relayed >= settings.batchSize() ? Duration.ZERO : settings.pollInterval();
      } catch (InterruptedException e) {
        if (stop.getCount() == 0) return;
        Thread.interrupted(); // a stray interrupt: keep relaying
        pause = backoff;
      } catch (Throwable e) { // never die: the outbox keeps the rows, the next round retries them
        log.warn("outbox relay failed, retrying in {} ms", backoff.toMillis(), e);
        pause = backoff;
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : doubled;
      }
      if (!pause.isZero() && await(pause)) return;
    }
  }

  /** Sends the batch in order and returns only once the broker acknowledged every record. */
  private void publishAll(List<OutboxRecord> records) throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (OutboxRecord record : records) {
      acks.add(producer.send(new ProducerRecord<>(record.topic(), record.key(), record.payload())));
    }
    long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
    for (Future<RecordMetadata> ack : acks) {
      long left = deadline - System.nanoTime();
      try {
        ack.get(Math.max(left, 0), TimeUnit.NANOSECONDS); // throws ExecutionException on a failed send
      } catch (TimeoutException e) {
        throw new TimeoutException("Kafka did not acknowledge the outbox batch within " + settings.sendTimeout());
      }
    }
    if (!records.isEmpty()) {
      log.debug("relayed {} outbox records up to seq {}", records.size(), records.get(records.size() - 1).seq());
    }
  }

  /** Waits, returning true when stopped meanwhile. */
  private boolean await(Duration pause) {
    try {
      return stop.await(pause.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      return stop.getCount() == 0;
    }
  }
}
