package dev.hookline.admin.outbox;

import dev.hookline.producer.ProducerSettings;
import dev.hookline.store.Outbox;
import dev.hookline.store.OutboxRecord;
import dev.hookline.store.OutboxSignal;
import dev.hookline.store.SubscriptionSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Relays the transactional outbox to Kafka: one background thread that repeatedly hands a batch of
 * unpublished rows to Kafka and lets {@link Outbox#relayBatch} mark them published only after every
 * record of the batch was acknowledged. A crash between the ack and the mark re-sends the batch:
 * fine, the records are keyed, versioned and land on a compacted topic.
 *
 * <p>Reconciliation: with {@link SubscriptionSnapshots}, the same thread also enqueues a snapshot
 * of the whole webhooks table every {@link Settings#snapshotInterval()} (one per interval across
 * all instances), so a lost or damaged {@code hookline.subscriptions} heals by itself; snapshot
 * rows go through the outbox like any change, so they keep per-webhook order with concurrent edits
 * (see {@link SubscriptionSnapshots}).
 *
 * <p>Latency: with an {@link OutboxSignal}, the relay wakes as soon as a change commits instead of
 * at the next poll; polling stays as the fallback.
 *
 * <p>It owns neither the producer nor the signal: the caller closes them after {@link #close()}.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  /**
   * @param pollInterval pause after an empty or partial batch (with a signal: the longest pause)
   * @param batchSize rows per batch (one transaction)
   * @param sendTimeout how long to wait for the broker's acks before giving the batch up
   * @param maxBackoff longest pause after consecutive failures (the pause doubles from
   *     pollInterval)
   * @param snapshotInterval how often the whole webhooks table is republished; zero turns
   *     reconciliation off
   * @param tombstoneWindow webhooks deleted within this window get their tombstone again in each
   *     snapshot (longer than the topic's {@code delete.retention.ms}, so a router that was down or
   *     a topic that lost records still learns of recent deletions)
   * @param purgeAfter relayed outbox rows older than this are deleted after each snapshot
   */
  public record Settings(
      Duration pollInterval,
      int batchSize,
      Duration sendTimeout,
      Duration maxBackoff,
      Duration snapshotInterval,
      Duration tombstoneWindow,
      Duration purgeAfter) {
    public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_TOMBSTONE_WINDOW = Duration.ofDays(7);
    public static final Duration DEFAULT_PURGE_AFTER = Duration.ofHours(1);

    public Settings {
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(sendTimeout, "sendTimeout");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      Objects.requireNonNull(snapshotInterval, "snapshotInterval");
      Objects.requireNonNull(tombstoneWindow, "tombstoneWindow");
      Objects.requireNonNull(purgeAfter, "purgeAfter");
      if (batchSize < 1) throw new IllegalArgumentException("batchSize must be positive");
      if (pollInterval.isNegative() || pollInterval.isZero())
        throw new IllegalArgumentException("pollInterval must be positive");
      if (snapshotInterval.isNegative())
        throw new IllegalArgumentException("snapshotInterval must not be negative");
      if (tombstoneWindow.isNegative())
        throw new IllegalArgumentException("tombstoneWindow must not be negative");
      if (purgeAfter.isNegative())
        throw new IllegalArgumentException("purgeAfter must not be negative");
    }

    public static Settings defaults() {
      return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
      return new Builder()
          .pollInterval(pollInterval)
          .batchSize(batchSize)
          .sendTimeout(sendTimeout)
          .maxBackoff(maxBackoff)
          .snapshotInterval(snapshotInterval)
          .tombstoneWindow(tombstoneWindow)
          .purgeAfter(purgeAfter);
    }

    /** How soon a snapshot that could not run (busy, failed) is tried again. */
    Duration snapshotRetry() {
      return snapshotInterval.compareTo(SNAPSHOT_RETRY) < 0 ? snapshotInterval : SNAPSHOT_RETRY;
    }

    /** Builds {@link Settings}; every value starts at its default, {@link #build()} checks them. */
    public static final class Builder {
      private Duration pollInterval = Duration.ofMillis(100);
      private int batchSize = 500;
      private Duration sendTimeout = Duration.ofSeconds(30);
      private Duration maxBackoff = Duration.ofSeconds(5);
      private Duration snapshotInterval = DEFAULT_SNAPSHOT_INTERVAL;
      private Duration tombstoneWindow = DEFAULT_TOMBSTONE_WINDOW;
      private Duration purgeAfter = DEFAULT_PURGE_AFTER;

      private Builder() {}

      public Builder pollInterval(Duration value) {
        pollInterval = value;
        return this;
      }

      public Builder batchSize(int value) {
        batchSize = value;
        return this;
      }

      public Builder sendTimeout(Duration value) {
        sendTimeout = value;
        return this;
      }

      public Builder maxBackoff(Duration value) {
        maxBackoff = value;
        return this;
      }

      /** Zero turns reconciliation off. */
      public Builder snapshotInterval(Duration value) {
        snapshotInterval = value;
        return this;
      }

      public Builder tombstoneWindow(Duration value) {
        tombstoneWindow = value;
        return this;
      }

      public Builder purgeAfter(Duration value) {
        purgeAfter = value;
        return this;
      }

      /**
       * @throws IllegalArgumentException naming the first bad setting
       */
      public Settings build() {
        return new Settings(
            pollInterval,
            batchSize,
            sendTimeout,
            maxBackoff,
            snapshotInterval,
            tombstoneWindow,
            purgeAfter);
      }
    }
  }

  private static final Duration SNAPSHOT_RETRY = Duration.ofSeconds(30);

  private final Outbox outbox;
  private final SubscriptionSnapshots snapshots; // null: no reconciliation
  private final OutboxSignal signal; // null: poll only
  private final Producer<String, String> producer;
  private final Settings settings;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  /**
   * A relay of {@code outbox} through {@code producer}, polled, with the default settings, no
   * reconciliation and no wake-up signal unless the builder adds them.
   */
  public static Builder builder(Outbox outbox, Producer<String, String> producer) {
    return new Builder(outbox, producer);
  }

  private OutboxRelay(Builder b) {
    this.outbox = Objects.requireNonNull(b.outbox, "outbox");
    this.producer = Objects.requireNonNull(b.producer, "producer");
    this.settings = b.settings;
    this.snapshots = settings.snapshotInterval().isZero() ? null : b.snapshots;
    this.signal = b.signal;
    this.thread = Thread.ofPlatform().name("hookline-outbox-relay").daemon().unstarted(this::run);
  }

  /** What a relay is built from; {@link #start()} builds and starts it. */
  public static final class Builder {
    private final Outbox outbox;
    private final Producer<String, String> producer;
    private Settings settings = Settings.defaults();
    private SubscriptionSnapshots snapshots;
    private OutboxSignal signal;

    private Builder(Outbox outbox, Producer<String, String> producer) {
      this.outbox = outbox;
      this.producer = producer;
    }

    public Builder settings(Settings value) {
      this.settings = Objects.requireNonNull(value, "settings");
      return this;
    }

    /**
     * Enqueues a snapshot of every webhook each {@link Settings#snapshotInterval()} (unless it is
     * zero).
     */
    public Builder reconciledBy(SubscriptionSnapshots value) {
      this.snapshots = Objects.requireNonNull(value, "snapshots");
      return this;
    }

    /** Wakes the relay as soon as a change commits instead of at the next poll. */
    public Builder wokenBy(OutboxSignal value) {
      this.signal = Objects.requireNonNull(value, "signal");
      return this;
    }

    public OutboxRelay build() {
      return new OutboxRelay(this);
    }

    public OutboxRelay start() {
      return build().start();
    }
  }

  /**
   * Producer settings the relay relies on: {@link ProducerSettings#reliable}, at most 5 requests in
   * flight (with idempotence, that keeps the order per key), string values.
   */
  public static Properties producerProperties(String bootstrapServers) {
    return producerProperties(bootstrapServers, Map.of());
  }

  /** {@link #producerProperties(String)} with a deployment's Kafka client settings (TLS, SASL). */
  public static Properties producerProperties(
      String bootstrapServers, Map<String, String> clientProperties) {
    Properties props =
        ProducerSettings.reliable(bootstrapServers, "hookline-outbox-relay", clientProperties);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
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
    long nextSnapshot =
        System.nanoTime(); // the first check at start: heals a topic lost while we were down
    while (stop.getCount() > 0) {
      if (snapshots != null && System.nanoTime() - nextSnapshot >= 0) {
        nextSnapshot = System.nanoTime() + reconcile().toNanos();
      }
      Duration pause;
      boolean failed = false;
      try {
        int relayed = outbox.relayBatch(settings.batchSize(), this::publishAll);
        backoff = settings.pollInterval();
        // a full batch means more are likely waiting: go again at once
        pause = relayed >= settings.batchSize() ? Duration.ZERO : settings.pollInterval();
      } catch (InterruptedException e) {
        if (stop.getCount() == 0) return;
        Thread.interrupted(); // a stray interrupt: keep relaying
        pause = backoff;
        failed = true;
      } catch (Throwable e) { // never die: the outbox keeps the rows, the next round retries them
        log.warn("outbox relay failed, retrying in {} ms", backoff.toMillis(), e);
        pause = backoff;
        failed = true;
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : doubled;
      }
      if (pause.isZero()) continue;
      if (signal != null && !failed) {
        signal.await(pause); // returns early when a change commits; at most one poll interval
      } else if (await(pause)) {
        return;
      }
    }
  }

  /** Enqueues a snapshot if one is due; returns how long until the next check. */
  private Duration reconcile() {
    try {
      SubscriptionSnapshots.Outcome outcome =
          snapshots.enqueueIfDue(settings.snapshotInterval(), settings.tombstoneWindow());
      return switch (outcome) {
        case SubscriptionSnapshots.Enqueued enqueued -> {
          log.info(
              "Enqueued a subscriptions snapshot: {} routing records, {} tombstones",
              enqueued.records(),
              enqueued.tombstones());
          int purged = snapshots.purgePublished(settings.purgeAfter());
          if (purged > 0) log.debug("purged {} relayed outbox rows", purged);
          yield settings.snapshotInterval();
        }
        case SubscriptionSnapshots.NotDue notDue -> notDue.dueIn();
        case SubscriptionSnapshots.Busy busy -> {
          log.debug("subscriptions snapshot postponed: {}", busy.reason());
          yield settings.snapshotRetry();
        }
      };
    } catch (RuntimeException e) {
      log.warn(
          "subscriptions snapshot failed, retrying in {} s",
          settings.snapshotRetry().toSeconds(),
          e);
      return settings.snapshotRetry();
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
        ack.get(
            Math.max(left, 0), TimeUnit.NANOSECONDS); // throws ExecutionException on a failed send
      } catch (TimeoutException e) {
        throw new TimeoutException(
            "Kafka did not acknowledge the outbox batch within " + settings.sendTimeout());
      }
    }
    if (!records.isEmpty()) {
      log.debug(
          "relayed {} outbox records up to seq {}",
          records.size(),
          records.get(records.size() - 1).seq());
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
