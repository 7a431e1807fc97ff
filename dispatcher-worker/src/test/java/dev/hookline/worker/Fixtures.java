package dev.hookline.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.CircuitBreakerLog;
import dev.hookline.store.RetryTimers;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookHealth;
import dev.hookline.store.WebhookLookup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Test data and in-memory fakes of the store interfaces. */
final class Fixtures {
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final Instant EVENT_TIME = Instant.parse("2026-11-28T10:15:30.123Z");
  private static final AtomicLong OFFSETS = new AtomicLong();

  private Fixtures() {}

  static Webhook webhook(String url) {
    return webhook(UUID.randomUUID(), url, 15, null, Map.of(), true);
  }

  static Webhook webhook(
      UUID id,
      String url,
      int timeoutSeconds,
      List<Integer> retrySchedule,
      Map<String, String> headers,
      boolean active) {
    Instant created = Instant.parse("2026-11-01T00:00:00Z");
    return new Webhook(
        id,
        1,
        "test hook",
        url,
        "",
        List.of("payment_received"),
        active,
        null,
        null,
        timeoutSeconds,
        retrySchedule,
        headers,
        created,
        created);
  }

  static Event event() {
    JsonNode data =
        Json.readTree("{\"amount\": 4200, \"currency\": \"EUR\"}".getBytes(StandardCharsets.UTF_8));
    return new Event("evt_" + UUID.randomUUID(), "payment_received", "/payments", EVENT_TIME, data);
  }

  static DeliveryTask task(UUID webhookId, int attempt, Trigger trigger) {
    Event event = event();
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event.id(), webhookId), webhookId, 1, attempt, trigger, event);
  }

  static ConsumerRecord<byte[], byte[]> record(DeliveryTask task) {
    return record(Json.toBytes(task));
  }

  static ConsumerRecord<byte[], byte[]> record(byte[] value) {
    return new ConsumerRecord<>(Topics.DELIVERIES, 0, OFFSETS.incrementAndGet(), null, value);
  }

  /** Only {@code find} and {@code secrets}: what the worker uses. */
  static final class FakeWebhookStore implements WebhookLookup {
    final Map<UUID, Webhook> webhooks = new ConcurrentHashMap<>();
    final AtomicInteger finds = new AtomicInteger();
    volatile RuntimeException failure;

    Webhook add(Webhook webhook) {
      webhooks.put(webhook.id(), webhook);
      return webhook;
    }

    @Override
    public Optional<Webhook> find(UUID id) {
      finds.incrementAndGet();
      if (failure != null) throw failure;
      return Optional.ofNullable(webhooks.get(id));
    }

    @Override
    public Optional<SigningSecrets> secrets(UUID id) {
      if (failure != null) throw failure;
      return webhooks.containsKey(id)
          ? Optional.of(new SigningSecrets(SECRET, null, null))
          : Optional.empty();
    }
  }

  /** Records deferrals; fails while {@link #failure} is set. Nothing is ever due. */
  static final class FakeRetryTimers implements RetryTimers {
    final List<Deferral> deferrals = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;

    @Override
    public void defer(List<Deferral> batch) {
      if (failure != null) throw failure;
      deferrals.addAll(batch);
    }

    @Override
    public int publishDue(int limit, java.time.Duration lease, Publisher<DeliveryTask> publisher) {
      return 0;
    }

    @Override
    public int publishDeadLetters(int limit, Publisher<dev.hookline.schemas.DeadLetter> publisher) {
      return 0;
    }

    @Override
    public Counts counts() {
      return new Counts(0, deferrals.size());
    }
  }

  /** Records outcomes; disables webhooks of the fake webhook store. */
  static final class FakeWebhookHealth implements WebhookHealth {
    final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    final List<String> disabled = new CopyOnWriteArrayList<>();
    private final FakeWebhookStore webhooks;

    FakeWebhookHealth(FakeWebhookStore webhooks) {
      this.webhooks = webhooks;
    }

    @Override
    public void record(List<Outcome> batch) {
      outcomes.addAll(batch);
    }

    @Override
    public List<UUID> failingSince(Instant cutoff, int limit) {
      return List.of();
    }

    @Override
    public synchronized Optional<Webhook> disable(UUID id, String reason) {
      Webhook w = webhooks.webhooks.get(id);
      if (w == null || w.disabledAt() != null) return Optional.empty();
      Webhook off =
          new Webhook(
              w.id(),
              w.version() + 1,
              w.name(),
              w.url(),
              w.description(),
              w.events(),
              w.active(),
              Instant.parse("2026-11-28T12:00:00Z"),
              reason,
              w.timeoutSeconds(),
              w.retrySchedule(),
              w.headers(),
              w.createdAt(),
              w.updatedAt());
      webhooks.webhooks.put(id, off);
      disabled.add(id + ":" + reason);
      return Optional.of(off);
    }
  }

  /** Records every {@code recordAll} call; fails while {@link #failure} is set. */
  static final class FakeDeliveryStore implements AttemptRecorder {
    final List<List<AttemptRecord>> calls = new CopyOnWriteArrayList<>();
    final List<String> log;
    volatile RuntimeException failure;

    FakeDeliveryStore(List<String> log) {
      this.log = log;
    }

    FakeDeliveryStore() {
      this(new CopyOnWriteArrayList<>());
    }

    @Override
    public void recordAll(List<AttemptRecord> attempts) {
      log.add("recordAll:" + attempts.size());
      if (failure != null) throw failure;
      calls.add(List.copyOf(attempts));
    }

    /** Writes fail but PostgreSQL answers (a conflict, a bug), rather than being down. */
    volatile boolean answersWhileFailing;

    @Override
    public void ping() {
      log.add("ping");
      if (failure != null && !answersWhileFailing) throw failure;
    }

    List<AttemptRecord> all() {
      List<AttemptRecord> all = new ArrayList<>();
      calls.forEach(all::addAll);
      return all;
    }
  }

  /** The open circuits per (webhook, worker), as the PostgreSQL table keeps them. */
  static final class FakeCircuitBreakerLog implements CircuitBreakerLog {
    final Map<String, Change> rows = new ConcurrentHashMap<>();
    final AtomicInteger forgotten = new AtomicInteger();
    volatile RuntimeException failure;

    @Override
    public void record(String workerId, List<Change> changes) {
      if (failure != null) throw failure;
      for (Change c : changes) {
        if (c.state() == State.CLOSED) rows.remove(c.webhookId() + "/" + workerId);
        else rows.put(c.webhookId() + "/" + workerId, c);
      }
    }

    @Override
    public void forget(String workerId) {
      forgotten.incrementAndGet();
      rows.keySet().removeIf(k -> k.endsWith("/" + workerId));
    }

    @Override
    public List<OpenCircuit> open(java.time.Duration freshness, int limit) {
      throw new UnsupportedOperationException();
    }
  }
}
