package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/webhooks/{id}/test}: sends the example of an event type through the real
 * pipeline (a {@code test} task on {@code hookline.deliveries}, delivered by a worker) and waits
 * for the worker to record the attempt, so the admin sees what the endpoint answered. Works for
 * inactive webhooks too: that is how one is checked before it is enabled.
 */
final class TestEvents {
  static final String SOURCE = "urn:hookline:admin-api";
  static final String FALLBACK_TYPE = "payment_received";
  private static final Set<String> FIELDS = Set.of("event");
  private static final Logger log = LoggerFactory.getLogger(TestEvents.class);

  private final WebhookStore webhooks;
  private final DeliveryStore deliveries;
  private final EventCatalog catalog;
  private final TaskPublishing tasks;
  private final int maxBodyBytes;
  private final Duration reportGrace;
  private final Duration pollInterval;

  /**
   * How a test event waits for the worker's report.
   *
   * @param grace how much longer than the webhook's timeout to wait
   * @param pollInterval how often to look for it
   */
  record Wait(Duration grace, Duration pollInterval) {
    static final Wait DEFAULT = new Wait(Duration.ofSeconds(5), Duration.ofMillis(50));
  }

  TestEvents(
      WebhookStore webhooks,
      DeliveryStore deliveries,
      EventCatalog catalog,
      TaskPublishing tasks,
      int maxBodyBytes,
      Wait wait) {
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.catalog = catalog;
    this.tasks = tasks;
    this.maxBodyBytes = maxBodyBytes;
    this.reportGrace = wait.grace();
    this.pollInterval = wait.pollInterval();
  }

  void register(RoutesConfig routes, String base) {
    routes.post(base + "/webhooks/{id}/test", this::test, Caller.Access.TENANT);
  }

  private void test(Context ctx) throws InterruptedException {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    JsonNode body = Requests.optionalJsonObject(ctx, maxBodyBytes);
    List<FieldError> errors = Requests.unknownFields(body, FIELDS);
    JsonNode requested = body.get("event");
    if (requested != null && !requested.isTextual()) {
      errors.add(new FieldError("event", "must be the name of an event type"));
    } else if (requested != null && !catalog.contains(requested.asText())) {
      errors.add(
          new FieldError(
              "event",
              "unknown event type '" + requested.asText() + "'; see GET /api/v1/event-types"));
    }
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    Webhook webhook = WebhookRoutes.find(Caller.of(ctx), webhooks, id);
    EventType type =
        requested != null ? catalog.find(requested.asText()).orElseThrow() : defaultType(webhook);

    // a tenant's webhook gets a test event of its tenant, as its real events are
    Event event =
        new Event(
            "evt_test_" + randomHex(),
            type.name(),
            SOURCE,
            Instant.now(),
            type.example(),
            webhook.tenant());
    DeliveryTask task =
        new DeliveryTask(
            UUID.randomUUID(),
            webhook.id(),
            webhook.version(),
            1,
            Trigger.TEST,
            event,
            webhook.tenant());
    Publish.run(() -> tasks.publish(task), "the test event", log);

    Duration wait = Duration.ofSeconds(webhook.timeoutSeconds()).plus(reportGrace);
    DeliveryView.AttemptView attempt =
        awaitAttempt(task.deliveryId(), wait)
            .orElseThrow(
                () -> {
                  ctx.header(
                      "Location",
                      ctx.path().replaceFirst("/webhooks/.*$", "/deliveries/" + task.deliveryId()));
                  return ApiProblem.testTimeout(
                      task.deliveryId().toString(),
                      "the worker did not report the test delivery within "
                          + wait.toSeconds()
                          + " s; look it up later with GET /api/v1/deliveries/"
                          + task.deliveryId());
                });
    Integer status = attempt.statusCode();
    boolean success =
        status != null && status >= 200 && status < 300 && attempt.errorClass() == null;
    String error =
        attempt.errorClass() == null
            ? null
            : attempt.errorMessage() == null
                ? attempt.errorClass()
                : attempt.errorClass() + ": " + attempt.errorMessage();
    Responses.json(
        ctx,
        200,
        new Views.TestResult(
            task.deliveryId(),
            event.id(),
            event.type(),
            success,
            status,
            attempt.durationMs(),
            attempt.responseExcerpt(),
            error));
  }

  /**
   * The webhook's first subscribed type; for {@code *} (or a type gone from the catalog) a common
   * one.
   */
  private EventType defaultType(Webhook webhook) {
    for (String name : webhook.events()) {
      Optional<EventType> type = catalog.find(name);
      if (type.isPresent()) return type.get();
    }
    return catalog.find(FALLBACK_TYPE).orElseGet(() -> catalog.types().get(0));
  }

  // Handlers run on virtual threads: blocking here costs no platform thread.
  private Optional<DeliveryView.AttemptView> awaitAttempt(UUID deliveryId, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Optional<DeliveryView.AttemptView> attempt =
          deliveries
              .find(deliveryId)
              .flatMap(
                  d -> d.attempts() == null ? Optional.empty() : d.attempts().stream().findFirst());
      if (attempt.isPresent()) return attempt;
      if (System.nanoTime() - deadline >= 0) return Optional.empty();
      Thread.sleep(pollInterval);
    }
  }

  private static String randomHex() {
    byte[] bytes = new byte[12];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
