package dev.hookline.app.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.hookline.app.SharedStack;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublishOptions;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A routing change made through the admin API applies to events published within 2 seconds of the
 * API's answer, on the full stack (admin API, outbox relay, router of TestStack).
 *
 * <p>Probes: after each change, one event per poll is published; the change has propagated when a
 * probe published after the API answered is routed according to it. A control webhook that always
 * matches witnesses that the router has processed a probe, so "not routed" is only ever concluded
 * about probes the router has seen.
 */
class RoutingPropagationIT {
  private static final Logger log = LoggerFactory.getLogger(RoutingPropagationIT.class);
  private static final Duration TARGET = Duration.ofSeconds(2);
  private static final String A = "site_published";
  private static final String B = "domain_created";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final EventCatalog CATALOG = EventCatalog.load();

  private static HttpServer sink;
  private static EventPublisher publisher;

  /** A published probe: its event id, type and when it was published. */
  record Probe(String eventId, String type, long publishedNanos) {}

  private final Set<UUID> watched = ConcurrentHashMap.newKeySet();
  private final List<Probe> probes = new ArrayList<>();

  /** When the last API call's answer arrived. */
  private long answeredAt;

  /** The tenant of the probes published; null for none. */
  private String probeTenant;

  @BeforeAll
  static void start() throws Exception {
    SharedStack.apiUrl("/"); // starts the stack
    sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sink.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    sink.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    sink.start();
    publisher =
        EventPublisher.create(PublisherConfig.defaults(SharedStack.bootstrapServers()), CATALOG);
  }

  @AfterAll
  static void stop() {
    if (publisher != null) publisher.close();
    if (sink != null) sink.stop(0);
  }

  @Test
  void createEditDeactivateReactivateAndDeleteApplyWithinTwoSeconds() throws Exception {
    try (RoutingKit.Tasks tasks =
        new RoutingKit.Tasks(SharedStack.bootstrapServers(), watched, false)) {
      UUID control = create("control", A, B);
      awaitRouting(tasks, control);

      UUID webhook = create("subject", A);
      Duration created = propagation(tasks, control, webhook, A, true, answeredAt);

      long t0 = call("PATCH", "/webhooks/" + webhook, "{\"events\": [\"" + B + "\"]}", 200);
      Duration edited = propagation(tasks, control, webhook, B, true, t0);
      assertNotRoutedAfterwards(tasks, control, webhook, A);

      t0 = call("PATCH", "/webhooks/" + webhook, "{\"active\": false}", 200);
      Duration deactivated = propagation(tasks, control, webhook, B, false, t0);

      t0 = call("PATCH", "/webhooks/" + webhook, "{\"active\": true}", 200);
      Duration reactivated = propagation(tasks, control, webhook, B, true, t0);

      t0 = call("DELETE", "/webhooks/" + webhook, null, 204);
      Duration deleted = propagation(tasks, control, webhook, B, false, t0);

      log.info(
          "routing change propagation (API answer -> first event routed by the new rule): create {} ms,"
              + " edit {} ms, deactivate {} ms, reactivate {} ms, delete {} ms",
          created.toMillis(),
          edited.toMillis(),
          deactivated.toMillis(),
          reactivated.toMillis(),
          deleted.toMillis());
    }
  }

  /**
   * Deleting a tenant deletes its webhooks in the same transaction: they stop receiving within the
   * same bound as a deleted webhook. The control is network-wide, so it takes the tenant's probes.
   */
  @Test
  void deletingATenantStopsItsWebhooksWithinTwoSeconds() throws Exception {
    String tenant = "prop-" + UUID.randomUUID().toString().substring(0, 8);
    send("POST", "/tenants", "{\"id\": \"" + tenant + "\", \"name\": \"Propagation\"}", 201);
    probeTenant = tenant;
    try (RoutingKit.Tasks tasks =
        new RoutingKit.Tasks(SharedStack.bootstrapServers(), watched, false)) {
      UUID control = create("tenant-control", A);
      awaitRouting(tasks, control);
      UUID webhook = createFor(tenant, "tenant-subject", A);
      Duration created = propagation(tasks, control, webhook, A, true, answeredAt);

      long t0 = call("DELETE", "/tenants/" + tenant, null, 204);
      Duration deleted = propagation(tasks, control, webhook, A, false, t0);
      send("GET", "/webhooks/" + webhook, null, 404);
      log.info(
          "tenant routing propagation: webhook created {} ms, tenant deleted {} ms",
          created.toMillis(),
          deleted.toMillis());
    }
  }

  /**
   * Publishes probes of {@code type} until one published after {@code changedAt} is routed (or, for
   * {@code routed = false}, seen by the router and not routed) to the webhook; fails after 2 s.
   * Then checks that every later probe the router has processed followed the new rule too.
   */
  private Duration propagation(
      RoutingKit.Tasks tasks,
      UUID control,
      UUID webhook,
      String type,
      boolean routed,
      long changedAt) {
    Probe[] first = new Probe[1];
    await()
        .atMost(TARGET)
        .pollInSameThread()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              probe(type);
              tasks.poll();
              for (Probe p : probes) {
                if (p.publishedNanos() < changedAt || !p.type().equals(type)) continue;
                if (routed && routedTo(tasks, webhook, p)) {
                  first[0] = p;
                  return true;
                }
                if (!routed && routedTo(tasks, control, p)) {
                  tasks.catchUp(); // the control's task commits with the webhook's: make sure we
                  // have read both
                  if (!routedTo(tasks, webhook, p)) {
                    first[0] = p;
                    return true;
                  }
                }
              }
              return false;
            });
    // and it stays so: every later probe the router processed follows the new rule
    tasks.catchUp();
    for (Probe p : probes) {
      if (p.publishedNanos() <= first[0].publishedNanos() || !p.type().equals(type)) continue;
      if (routedTo(tasks, control, p)) {
        assertThat(routedTo(tasks, webhook, p))
            .as("probe %s after the change took effect", p.eventId())
            .isEqualTo(routed);
      }
    }
    long stale =
        probes.stream()
            .filter(
                p ->
                    p.type().equals(type)
                        && p.publishedNanos() >= changedAt
                        && p.publishedNanos() < first[0].publishedNanos())
            .count();
    if (stale > 0)
      log.info("{} probe(s) published after the change still followed the old rule", stale);
    return Duration.ofNanos(Math.max(0, first[0].publishedNanos() - changedAt));
  }

  private void assertNotRoutedAfterwards(
      RoutingKit.Tasks tasks, UUID control, UUID webhook, String oldType) {
    Probe p = probe(oldType);
    await()
        .atMost(TARGET)
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(25))
        .until(
            () -> {
              tasks.poll();
              return routedTo(tasks, control, p);
            });
    tasks.catchUp();
    assertThat(routedTo(tasks, webhook, p)).as("the old event type no longer routes").isFalse();
  }

  /** The stack may be cold: waits (not measured) until the control webhook routes. */
  private void awaitRouting(RoutingKit.Tasks tasks, UUID control) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              probe(A);
              tasks.poll();
              return probes.stream().anyMatch(p -> routedTo(tasks, control, p));
            });
  }

  /** From the tasks read so far (no polling here). */
  private static boolean routedTo(RoutingKit.Tasks tasks, UUID webhook, Probe probe) {
    return tasks.seen().stream()
        .anyMatch(t -> t.webhookId().equals(webhook) && t.event().id().equals(probe.eventId()));
  }

  private Probe probe(String type) {
    JsonNode data = CATALOG.find(type).orElseThrow().example();
    long before = System.nanoTime();
    Probe probe =
        new Probe(
            publisher
                .publishSync(
                    type, data, PublishOptions.none().withKey("probe").withTenant(probeTenant))
                .id(),
            type,
            before);
    probes.add(probe);
    return probe;
  }

  private UUID create(String name, String... events) throws Exception {
    return createFor(null, name, events);
  }

  /** A webhook of the tenant (null: network-wide). */
  private UUID createFor(String tenant, String name, String... events) throws Exception {
    java.util.Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("name", name);
    fields.put("url", "http://127.0.0.1:" + sink.getAddress().getPort() + "/" + name);
    fields.put("events", List.of(events));
    if (tenant != null) fields.put("tenant", tenant);
    String body = Json.toString(fields);
    JsonNode created = Json.MAPPER.readTree(send("POST", "/webhooks", body, 201).body());
    UUID id = UUID.fromString(created.get("id").asText());
    watched.add(id);
    return id;
  }

  /** Calls the API; returns the time its answer arrived. */
  private long call(String method, String path, String body, int expectedStatus) throws Exception {
    send(method, path, body, expectedStatus);
    return answeredAt;
  }

  private HttpResponse<String> send(String method, String path, String body, int expectedStatus)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(SharedStack.apiUrl(path)))
            .header("Authorization", "Bearer " + SharedStack.adminToken())
            .timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    answeredAt = System.nanoTime();
    assertThat(response.statusCode())
        .as("%s %s -> %s", method, path, response.body())
        .isEqualTo(expectedStatus);
    return response;
  }
}
