package dev.hookline.app.faults;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublishedEvent;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A steady stream of {@link FaultStack#TYPE} events published in the background, as a platform
 * team's service would publish them: {@code perSecond} events a second in ticks of 50 ms, through
 * one {@link EventPublisher}, until {@link #stop()}.
 */
final class Load implements AutoCloseable {
  private static final int TICKS_PER_SECOND = 20;

  private record Sent(long nanos, CompletableFuture<PublishedEvent> future) {}

  /** The source of every event published here (with the id, an event's identity). */
  static final String SOURCE = "urn:hookline:fault-test";

  private final EventPublisher publisher;
  private final JsonNode data = EventCatalog.load().find(FaultStack.TYPE).orElseThrow().example();
  private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

  Load(String bootstrapServers) {
    this.publisher =
        EventPublisher.create(PublisherConfig.builder(bootstrapServers).source(SOURCE).build());
  }

  /**
   * Publishes one event every half second until {@code arrived} holds: the whole pipeline delivers.
   */
  Load warmUp(BooleanSupplier arrived) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              publishOne();
              return arrived.getAsBoolean();
            });
    return this;
  }

  /** Starts publishing {@code perSecond} events a second in the background. */
  Load start(int perSecond) {
    int perTick = Math.max(1, perSecond / TICKS_PER_SECOND);
    var unused =
        pacer.scheduleAtFixedRate(
            () -> {
              for (int i = 0; i < perTick; i++) publishOne();
            },
            0,
            1000 / TICKS_PER_SECOND,
            TimeUnit.MILLISECONDS);
    return this;
  }

  private void publishOne() {
    long now = System.nanoTime();
    sent.add(new Sent(now, publisher.publish(FaultStack.TYPE, data, "customer-" + now % 97)));
  }

  int published() {
    return sent.size();
  }

  /**
   * Stops the stream and waits until Kafka acknowledged every event; returns each event id with the
   * time it was published ({@link System#nanoTime()}). Fails if an event was not published.
   */
  Map<String, Long> stop() throws Exception {
    pacer.shutdown();
    if (!pacer.awaitTermination(90, TimeUnit.SECONDS))
      throw new IllegalStateException("the publisher did not stop");
    publisher.flush();
    Map<String, Long> ids = new HashMap<>();
    for (Sent s : sent) ids.put(s.future().get(150, TimeUnit.SECONDS).id(), s.nanos());
    return ids;
  }

  static List<String> ids(Map<String, Long> published) {
    return new ArrayList<>(published.keySet());
  }

  @Override
  public void close() {
    pacer.shutdownNow();
    publisher.close();
  }
}
