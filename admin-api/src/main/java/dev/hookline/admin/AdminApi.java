package dev.hookline.admin;

import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.IdempotencyKeys;
import dev.hookline.store.TenantStore;
import dev.hookline.store.WebhookStore;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API: {@code /api/v1} (bearer token), {@code /health} and {@code /metrics} (open),
 * plus whatever routes the caller adds. Errors are RFC 9457 problems.
 *
 * <p>Usage: {@code try (var api = AdminApi.builder(config).webhooks(...)...build().start()) { ...
 * api.port() ... }}.
 */
public final class AdminApi implements AutoCloseable {
  public static final String API_BASE = "/api/v1";
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

  /** The classpath resource of the OpenAPI document (shipped by {@code hookline-schemas}). */
  public static final String OPENAPI_RESOURCE = "openapi.yaml";

  static final String OPENAPI_CONTENT_TYPE = "application/yaml";

  private final AdminApiConfig config;
  private final Javalin app;
  private final List<String> routes = new CopyOnWriteArrayList<>();
  private final EventIngress ingress;

  /** Starts building an API on this configuration; see {@link Builder} for what it needs. */
  public static Builder builder(AdminApiConfig config) {
    return new Builder(config);
  }

  private AdminApi(Builder b) {
    this.config = Objects.requireNonNull(b.config, "config");
    WebhookStore webhooks = Objects.requireNonNull(b.webhooks, "webhooks");
    DeliveryStore deliveries = Objects.requireNonNull(b.deliveries, "deliveries");
    EventCatalog catalog = Objects.requireNonNull(b.catalog, "catalog");
    PrometheusMeterRegistry metrics = Objects.requireNonNull(b.metrics, "metrics");
    Supplier<HealthReport> health = Objects.requireNonNull(b.health, "health");
    EventPublishing events = Objects.requireNonNull(b.events, "events");
    TaskPublishing tasks = b.tasks;
    Consumer<JavalinConfig> extraRoutes = b.extraRoutes;
    TenantStore tenants = Objects.requireNonNull(b.tenants, "tenants");
    Auth auth = new Auth(config.adminTokens(), tenants, List.of(API_BASE + PortalRoutes.SESSIONS));
    TenantRoutes tenantRoutes = new TenantRoutes(tenants, config);
    PortalRoutes portalRoutes = new PortalRoutes(tenants, config);
    WebhookRoutes webhookRoutes =
        new WebhookRoutes(
            webhooks, deliveries, new WebhookRequests(catalog), config.maxBodyBytes());
    EventRoutes eventRoutes =
        new EventRoutes(
            catalog,
            events,
            Objects.requireNonNull(b.idempotencyKeys, "idempotencyKeys"),
            config.maxBodyBytes());
    EventBatches eventBatches =
        new EventBatches(catalog, events, b.idempotencyKeys, config.maxBodyBytes());
    FilterRoutes filterRoutes = new FilterRoutes(catalog, config.maxBodyBytes());
    TestEvents testEvents =
        new TestEvents(webhooks, deliveries, catalog, tasks, config.maxBodyBytes(), b.testWait);
    Redeliveries redeliveries =
        new Redeliveries(webhooks, deliveries, tasks, config.maxBodyBytes());
    byte[] openApi = openApiDocument();
    // POST /api/v1/events answered before Javalin's servlet: see EventIngress
    this.ingress =
        new EventIngress(
            auth,
            eventRoutes,
            (method, route, status, nanos) -> recordRequest(metrics, method, route, status, nanos));

    this.app =
        Javalin.create(
            javalin -> {
              javalin.startup.showJavalinBanner = false;
              javalin.startup.showOldJavalinVersionWarning = false;
              javalin.concurrency.useVirtualThreads = true;
              javalin.http.maxRequestSize = config.maxBodyBytes();
              javalin.jetty.host = config.host();
              javalin.jetty.port = config.port();
              javalin.jsonMapper(new JavalinJackson(dev.hookline.schemas.Json.MAPPER, false));
              javalin.requestLogger.http((ctx, millis) -> recordRequest(metrics, ctx, millis));
              javalin.jetty.modifyServer(server -> server.setHandler(ingress));
              javalin.events.handlerAdded(
                  h -> routes.add(h.getHttpMethod().name() + " " + h.getPath()));

              javalin.routes.exception(
                  ApiProblem.class, (problem, ctx) -> Responses.problem(ctx, problem));
              // Javalin's own errors (unknown route, wrong method, ...) as problems too
              javalin.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) ->
                      Responses.problem(
                          ctx,
                          ApiProblem.http(
                              e.getStatus(),
                              HttpStatus.forStatus(e.getStatus()).getMessage(),
                              e.getMessage())));
              javalin.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("{} {} failed", ctx.method(), ctx.path(), e);
                    Responses.problem(
                        ctx,
                        ApiProblem.http(
                            500,
                            "Internal Server Error",
                            "the request failed unexpectedly; see the server log"));
                  });

              javalin.routes.before(API_BASE + "/*", auth::require);
              javalin.routes.beforeMatched(API_BASE + "/*", auth::authorize);
              javalin.routes.get("/health", ctx -> health(ctx, health));
              javalin.routes.get(
                  "/metrics",
                  ctx -> ctx.contentType(PROMETHEUS_CONTENT_TYPE).result(metrics.scrape()));
              // behind the token like every /api route; it holds no secrets, but the issue wants
              // all of /api guarded
              javalin.routes.get(
                  API_BASE + "/openapi.yaml",
                  ctx -> ctx.contentType(OPENAPI_CONTENT_TYPE).result(openApi),
                  Caller.Access.TENANT);
              webhookRoutes.register(javalin.routes, API_BASE);
              testEvents.register(javalin.routes, API_BASE);
              redeliveries.register(javalin.routes, API_BASE);
              eventRoutes.register(javalin.routes, API_BASE);
              eventBatches.register(javalin.routes, API_BASE);
              filterRoutes.register(javalin.routes, API_BASE);
              tenantRoutes.register(javalin.routes, API_BASE);
              portalRoutes.register(javalin.routes, API_BASE);
              extraRoutes.accept(javalin);
            });
  }

  /** Requests {@link EventIngress} answered, for tests. */
  long ingressAnswered() {
    return ingress.answered();
  }

  /** Every route registered, as {@code "METHOD /path"} (filters as {@code BEFORE}), for tests. */
  List<String> routes() {
    return List.copyOf(routes);
  }

  private static byte[] openApiDocument() {
    try (InputStream in = AdminApi.class.getClassLoader().getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null)
        throw new IllegalStateException(
            OPENAPI_RESOURCE + " is missing from the classpath (hookline-schemas)");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + OPENAPI_RESOURCE, e);
    }
  }

  /** Binds the port and starts serving. */
  public AdminApi start() {
    app.start();
    log.info("admin API listening on {}:{}", config.host(), app.port());
    return this;
  }

  /** The bound port (the actual one when configured with 0). */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  private static void health(Context ctx, Supplier<HealthReport> health) {
    HealthReport report;
    try {
      report = health.get();
    } catch (RuntimeException e) {
      // the details go to the log: /health is open, and an exception's text is not for everyone
      log.warn("health check failed", e);
      report = HealthReport.down(Map.of("health", "check failed"));
    }
    if (report == null) report = HealthReport.down(Map.of("health", "no report"));
    Responses.json(
        ctx,
        report.up() ? 200 : 503,
        new Views.Health(report.up() ? "up" : "down", report.checks()));
  }

  private static void recordRequest(PrometheusMeterRegistry metrics, Context ctx, float millis) {
    // tag by route template, not raw path: ids in paths would explode the series count
    String route;
    try {
      route = ctx.endpoint() == null ? "unmatched" : ctx.endpoint().path;
    } catch (RuntimeException e) {
      route = "unmatched";
    }
    recordRequest(
        metrics, ctx.method().name(), route, ctx.statusCode(), (long) (millis * 1_000_000L));
  }

  private static void recordRequest(
      PrometheusMeterRegistry metrics, String method, String route, int status, long nanos) {
    Timer.builder("hookline.admin.http.requests")
        .description("Admin API requests")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(metrics)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * What an {@link AdminApi} is built from. Required: the stores (webhooks, deliveries, tenants,
   * idempotency keys), the catalog, the metrics, the health check and the event publisher. Without
   * a task publisher, test events, retries and recovery answer 503.
   */
  public static final class Builder {
    private final AdminApiConfig config;
    private WebhookStore webhooks;
    private DeliveryStore deliveries;
    private EventCatalog catalog;
    private PrometheusMeterRegistry metrics;
    private Supplier<HealthReport> health;
    private EventPublishing events;
    private TaskPublishing tasks = TaskPublishing.unavailable();
    private TenantStore tenants;
    private IdempotencyKeys idempotencyKeys;
    private Consumer<JavalinConfig> extraRoutes = javalin -> {};
    private TestEvents.Wait testWait = TestEvents.Wait.DEFAULT;

    private Builder(AdminApiConfig config) {
      this.config = config;
    }

    public Builder webhooks(WebhookStore store) {
      this.webhooks = store;
      return this;
    }

    public Builder deliveries(DeliveryStore store) {
      this.deliveries = store;
      return this;
    }

    /** The tenants, their tokens and portal links. */
    public Builder tenants(TenantStore store) {
      this.tenants = store;
      return this;
    }

    /** The idempotency keys of {@code POST /api/v1/events}. */
    public Builder idempotencyKeys(IdempotencyKeys keys) {
      this.idempotencyKeys = keys;
      return this;
    }

    public Builder catalog(EventCatalog eventCatalog) {
      this.catalog = eventCatalog;
      return this;
    }

    /** Served at {@code /metrics}; also where the API records its request timings. */
    public Builder metrics(PrometheusMeterRegistry registry) {
      this.metrics = registry;
      return this;
    }

    /** Answered by {@code GET /health}; called on every request, keep it cheap. */
    public Builder health(Supplier<HealthReport> check) {
      this.health = check;
      return this;
    }

    /** Behind {@code POST /api/v1/events}. */
    public Builder events(EventPublishing publishing) {
      this.events = publishing;
      return this;
    }

    /** Puts test, retry and recovery tasks onto {@code hookline.deliveries}. */
    public Builder tasks(TaskPublishing publishing) {
      this.tasks = Objects.requireNonNull(publishing, "tasks");
      return this;
    }

    /**
     * Adds routes (and anything else) to the Javalin configuration, e.g. the web page; routes
     * outside {@code /api/v1} are not behind the token, routes under it are the admin's alone.
     */
    public Builder extraRoutes(Consumer<JavalinConfig> routes) {
      this.extraRoutes = Objects.requireNonNull(routes, "extraRoutes");
      return this;
    }

    /** For tests: how long a test event waits for the worker's report, and how often it looks. */
    Builder testEventWait(Duration grace, Duration pollInterval) {
      this.testWait = new TestEvents.Wait(grace, pollInterval);
      return this;
    }

    /**
     * @throws NullPointerException naming a missing part
     */
    public AdminApi build() {
      return new AdminApi(this);
    }
  }
}
