package dev.hookline.admin;

import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.DeliveryStore;
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
 * <p>Usage: {@code try (var api = new AdminApi(...).start()) { ... api.port() ... }}.
 */
public final class AdminApi implements AutoCloseable {
  public static final String API_BASE = "/api/v1";
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

  /** The classpath resource of the OpenAPI document (shipped by {@code hookline-schemas}). */
  public static final String OPENAPI_RESOURCE = "openapi.yaml";

  static final String OPENAPI_CONTENT_TYPE = "application/yaml";
  static final Duration TEST_REPORT_GRACE = Duration.ofSeconds(5);
  static final Duration TEST_POLL_INTERVAL = Duration.ofMillis(50);

  private final AdminApiConfig config;
  private final Javalin app;
  private final List<String> routes = new CopyOnWriteArrayList<>();

  /**
   * Without a delivery task publisher and without tenants: test events, retries and recovery answer
   * 503, and no tenant token is valid. Prefer the constructor that takes a {@link TenantStore} and
   * a {@link TaskPublishing}.
   */
  public AdminApi(
      AdminApiConfig config,
      WebhookStore webhooks,
      DeliveryStore deliveries,
      EventCatalog catalog,
      PrometheusMeterRegistry metrics,
      Supplier<HealthReport> health,
      EventPublishing events,
      Consumer<JavalinConfig> extraRoutes) {
    this(
        config,
        webhooks,
        deliveries,
        catalog,
        metrics,
        health,
        events,
        TaskPublishing.unavailable(),
        extraRoutes);
  }

  /** Without tenants: no tenant token is valid; creating a tenant answers 503. */
  public AdminApi(
      AdminApiConfig config,
      WebhookStore webhooks,
      DeliveryStore deliveries,
      EventCatalog catalog,
      PrometheusMeterRegistry metrics,
      Supplier<HealthReport> health,
      EventPublishing events,
      TaskPublishing tasks,
      Consumer<JavalinConfig> extraRoutes) {
    this(
        config,
        webhooks,
        deliveries,
        NoTenants.INSTANCE,
        catalog,
        metrics,
        health,
        events,
        tasks,
        extraRoutes,
        TEST_REPORT_GRACE,
        TEST_POLL_INTERVAL);
  }

  /**
   * @param metrics also where the API records its request timings ({@code
   *     hookline.admin.http.requests})
   * @param health answered by {@code GET /health}; called on every request, keep it cheap
   * @param tenants the tenants, their tokens and portal links
   * @param tasks puts test, retry and recovery tasks onto {@code hookline.deliveries}
   * @param extraRoutes adds routes (and anything else) to the Javalin configuration, e.g. the web
   *     page; routes outside {@code /api/v1} are not behind the token, routes under it are the
   *     admin's alone. May be null.
   */
  public AdminApi(
      AdminApiConfig config,
      WebhookStore webhooks,
      DeliveryStore deliveries,
      TenantStore tenants,
      EventCatalog catalog,
      PrometheusMeterRegistry metrics,
      Supplier<HealthReport> health,
      EventPublishing events,
      TaskPublishing tasks,
      Consumer<JavalinConfig> extraRoutes) {
    this(
        config,
        webhooks,
        deliveries,
        tenants,
        catalog,
        metrics,
        health,
        events,
        tasks,
        extraRoutes,
        TEST_REPORT_GRACE,
        TEST_POLL_INTERVAL);
  }

  /** Without tenants, with the test event's wait settings (tests). */
  AdminApi(
      AdminApiConfig config,
      WebhookStore webhooks,
      DeliveryStore deliveries,
      EventCatalog catalog,
      PrometheusMeterRegistry metrics,
      Supplier<HealthReport> health,
      EventPublishing events,
      TaskPublishing tasks,
      Consumer<JavalinConfig> extraRoutes,
      Duration testReportGrace,
      Duration testPollInterval) {
    this(
        config,
        webhooks,
        deliveries,
        NoTenants.INSTANCE,
        catalog,
        metrics,
        health,
        events,
        tasks,
        extraRoutes,
        testReportGrace,
        testPollInterval);
  }

  /** Also with the test event's wait settings, so tests need not wait the real grace. */
  AdminApi(
      AdminApiConfig config,
      WebhookStore webhooks,
      DeliveryStore deliveries,
      TenantStore tenants,
      EventCatalog catalog,
      PrometheusMeterRegistry metrics,
      Supplier<HealthReport> health,
      EventPublishing events,
      TaskPublishing tasks,
      Consumer<JavalinConfig> extraRoutes,
      Duration testReportGrace,
      Duration testPollInterval) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(webhooks, "webhooks");
    Objects.requireNonNull(deliveries, "deliveries");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(tasks, "tasks");
    Objects.requireNonNull(tenants, "tenants");
    Auth auth = new Auth(config.adminTokens(), tenants, List.of(API_BASE + PortalRoutes.SESSIONS));
    TenantRoutes tenantRoutes = new TenantRoutes(tenants, config);
    PortalRoutes portalRoutes = new PortalRoutes(tenants, config);
    WebhookRoutes webhookRoutes =
        new WebhookRoutes(
            webhooks, deliveries, new WebhookRequests(catalog), config.maxBodyBytes());
    EventRoutes eventRoutes =
        new EventRoutes(catalog, events, config.maxBodyBytes(), config.maxEventBytes());
    TestEvents testEvents =
        new TestEvents(
            webhooks,
            deliveries,
            catalog,
            tasks,
            config.maxBodyBytes(),
            testReportGrace,
            testPollInterval);
    Redeliveries redeliveries =
        new Redeliveries(webhooks, deliveries, tasks, config.maxBodyBytes());
    byte[] openApi = openApiDocument();

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
              tenantRoutes.register(javalin.routes, API_BASE);
              portalRoutes.register(javalin.routes, API_BASE);
              if (extraRoutes != null) extraRoutes.accept(javalin);
            });
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
      log.warn("health check failed", e);
      report = HealthReport.down(Map.of("health", "check failed: " + e));
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
    Timer.builder("hookline.admin.http.requests")
        .description("Admin API requests")
        .tag("method", ctx.method().name())
        .tag("route", route)
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(metrics)
        .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
  }
}
