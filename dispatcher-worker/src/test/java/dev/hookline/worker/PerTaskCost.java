package dev.hookline.worker;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.schemas.Trigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * A micro measurement (not a test): what the worker spent per task on work it could do once, the
 * code before (reproduced here) against the code now. One thread, best of 7 rounds of 200,000 after
 * as many unmeasured, nanoseconds per task. Run from the worker module's test classpath:
 *
 * <pre>
 * java -cp ... dev.hookline.worker.PerTaskCost
 * </pre>
 */
public final class PerTaskCost {
  private static final int ROUNDS = 7;
  private static final int PER_ROUND = 200_000;

  private PerTaskCost() {}

  public static void main(String[] args) {
    Event event = Fixtures.event();
    DeliveryTask task = Fixtures.task(UUID.randomUUID(), 1, Trigger.EVENT);
    String url = "http://127.0.0.1:43127/hooks/bench-throughput-1/0";
    Cache<String, URI> uris = Caffeine.newBuilder().maximumSize(10_000).build();
    MeterRegistry registry = new SimpleMeterRegistry();
    WorkerMetrics metrics = new WorkerMetrics(registry);
    Duration took = Duration.ofMillis(3);
    report("webhook-id, before", () -> oldWebhookId(task).length());
    report("webhook-id, now", () -> EventIdentity.webhookId(task).length());
    report("URI, parsed per request", () -> URI.create(url).getPort());
    report("URI, cached", () -> uris.get(url, URI::create).getPort());
    report(
        "meters, registered per task",
        () -> {
          Timer.builder(WorkerMetrics.ATTEMPT_DURATION)
              .tag("outcome", "succeeded")
              .publishPercentileHistogram()
              .register(registry)
              .record(took);
          Counter.builder(WorkerMetrics.DELIVERIES)
              .tag("outcome", "succeeded")
              .register(registry)
              .increment();
          return 1;
        });
    report(
        "meters, cached",
        () -> {
          metrics.attempt("succeeded", took);
          metrics.count("succeeded");
          return 1;
        });
    if (event.id().isEmpty()) throw new AssertionError();
  }

  private static void report(String what, LongSupplier op) {
    long sink = 0;
    for (int i = 0; i < ROUNDS * PER_ROUND; i++) sink += op.getAsLong(); // warm-up
    long best = Long.MAX_VALUE;
    for (int r = 0; r < ROUNDS; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < PER_ROUND; i++) sink += op.getAsLong();
      best = Math.min(best, System.nanoTime() - start);
    }
    System.out.printf("%-32s %7.1f ns per task (%d)%n", what, (double) best / PER_ROUND, sink & 1);
  }

  /** EventIdentity.webhookId(task) as it was: UUID.nameUUIDFromBytes and a stream per id. */
  private static String oldWebhookId(DeliveryTask task) {
    Event event = task.event();
    UUID legacy =
        UUID.nameUUIDFromBytes(
            (event.id() + "|" + task.webhookId()).getBytes(StandardCharsets.UTF_8));
    if (task.deliveryId().equals(legacy)) return event.id();
    UUID digest = UUID.nameUUIDFromBytes(oldEncode("message/v1", event.source(), event.id()));
    return event.id()
        + EventIdentity.WEBHOOK_ID_SEPARATOR
        + HexFormat.of().toHexDigits(digest.getMostSignificantBits())
        + HexFormat.of().toHexDigits(digest.getLeastSignificantBits());
  }

  private static byte[] oldEncode(String tag, String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(tag.getBytes(StandardCharsets.UTF_8));
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}
