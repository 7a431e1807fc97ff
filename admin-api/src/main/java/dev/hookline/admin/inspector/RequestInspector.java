package dev.hookline.admin.inspector;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Json;
import dev.hookline.store.WebhookStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The local request inspector of {@code hookline up}: capture URLs ("bins") that record every
 * request they receive, so the whole webhook flow can be tried with nothing leaving the machine.
 *
 * <p>Management, behind the admin token because it lives under {@code /api/v1}: {@code POST
 * /api/v1/inspector/bins} ({@code {"responseStatus": 200}} optional), {@code GET
 * /api/v1/inspector/bins}, {@code GET|PATCH|DELETE /api/v1/inspector/bins/{id}}, {@code DELETE
 * /api/v1/inspector/bins/{id}/requests}. Capture, open like any webhook endpoint: any method on
 * {@code /in/{id}} (and below it), answered with the bin's chosen status, so a target can be made
 * to fail on purpose.
 *
 * <p>Each captured request's Standard Webhooks signature is checked with the secrets of the
 * webhooks whose URL is that capture URL. Everything is kept in memory, bounded by {@link
 * InspectorLimits}. Plug it in with {@code extraRoutes} of {@code AdminApi}: {@link #routes()}.
 */
public final class RequestInspector {
  static final String API = "/api/v1/inspector/bins";
  static final String CAPTURE = "/in/";
  private static final List<HandlerType> CAPTURED_METHODS =
      List.of(
          HandlerType.GET,
          HandlerType.POST,
          HandlerType.PUT,
          HandlerType.PATCH,
          HandlerType.DELETE);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long MAX_DRAINED_BYTES = 64L * 1024 * 1024;

  private final InspectorLimits limits;
  private final Clock clock;
  private final SignatureChecker checker;
  // insertion order = creation order: the first entry is the oldest, dropped when full
  private final Map<String, Bin> bins = Collections.synchronizedMap(new LinkedHashMap<>());
  // the order of every capture, across bins, so the oldest can go when memory is full
  private final AtomicLong captures = new AtomicLong();

  public RequestInspector(WebhookStore webhooks) {
    this(webhooks, InspectorLimits.DEFAULT, Clock.systemUTC());
  }

  public RequestInspector(WebhookStore webhooks, InspectorLimits limits, Clock clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.checker = new SignatureChecker(Objects.requireNonNull(webhooks, "webhooks"), clock);
  }

  /** For {@code AdminApi}'s {@code extraRoutes}. */
  public Consumer<JavalinConfig> routes() {
    return this::install;
  }

  /** Adds the inspector's routes to a Javalin configuration. */
  public void install(JavalinConfig javalin) {
    var routes = javalin.routes;
    routes.exception(Problem.class, (problem, ctx) -> problem.write(ctx));
    routes.post(API, this::create);
    routes.get(
        API, ctx -> json(ctx, 200, new Page(snapshot().stream().map(Bin::summary).toList())));
    routes.get(API + "/{id}", ctx -> json(ctx, 200, bin(ctx).detail()));
    routes.patch(API + "/{id}", this::update);
    routes.delete(
        API + "/{id}",
        ctx -> {
          if (bins.remove(ctx.pathParam("id")) == null) throw notFound(ctx.pathParam("id"));
          ctx.status(204);
        });
    routes.delete(
        API + "/{id}/requests",
        ctx -> {
          bin(ctx).clear();
          ctx.status(204);
        });
    for (HandlerType method : CAPTURED_METHODS) {
      routes.addHttpHandler(method, CAPTURE + "{id}", this::capture);
      routes.addHttpHandler(method, CAPTURE + "{id}/<rest>", this::capture);
    }
  }

  record Page(List<Bin.Summary> data) {}

  private void create(Context ctx) {
    int status = responseStatus(body(ctx), 200);
    // the capture URL as the worker must reach it: loopback (allow-listed under `up`) on the port
    // this request came in on, whatever host name the browser used
    String id = HexFormat.of().formatHex(randomBytes(8));
    String url = "http://127.0.0.1:" + ctx.req().getLocalPort() + CAPTURE + id;
    Bin bin = new Bin(id, url, clock.instant(), status, limits.maxRequestsPerBin());
    synchronized (bins) {
      bins.put(id, bin);
      var oldest = bins.keySet().iterator();
      while (bins.size() > limits.maxBins() && oldest.hasNext()) {
        oldest.next();
        oldest.remove();
      }
    }
    ctx.header("Location", API + "/" + id);
    json(ctx, 201, bin.summary());
  }

  private void update(Context ctx) {
    Bin bin = bin(ctx);
    JsonNode body = body(ctx);
    if (body == null || !body.has("responseStatus")) {
      throw new Problem(
          400, "Invalid request", List.of(new FieldError("responseStatus", "is required")));
    }
    bin.responseStatus(responseStatus(body, bin.responseStatus()));
    json(ctx, 200, bin.summary());
  }

  private void capture(Context ctx) {
    Bin bin = bins.get(ctx.pathParam("id"));
    if (bin == null) {
      ctx.status(404)
          .contentType("text/plain; charset=utf-8")
          .result(
              "no inspector capture URL '"
                  + ctx.pathParam("id")
                  + "' (they live in memory: a restart forgets them)");
      return;
    }
    Body body = readBody(ctx);
    List<CapturedRequest.Header> headers = new ArrayList<>();
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      for (String value : Collections.list(ctx.req().getHeaders(name))) {
        headers.add(new CapturedRequest.Header(name, value));
      }
    }
    Verification verification =
        body.fullyRead()
            ? checker.check(
                bin.id(),
                ctx.header("webhook-id"),
                ctx.header("webhook-timestamp"),
                ctx.header("webhook-signature"),
                body.verifiable())
            : new Verification.Unsigned(
                "the body is larger than "
                    + limits.maxVerifiedBytes()
                    + " bytes; its signature was not checked");
    int status = bin.responseStatus();
    keep(
        bin,
        new CapturedRequest(
            bin.nextSeq(),
            clock.instant(),
            ctx.method().name(),
            ctx.path(),
            ctx.queryString(),
            ctx.req().getRemoteAddr(),
            List.copyOf(headers),
            body.text(),
            body.size(),
            body.size() > limits.maxBodyBytes(),
            status,
            verification.view()));
    String answer =
        status >= 200 && status < 300
            ? "captured by the Hookline request inspector"
            : "the Hookline request inspector answers "
                + status
                + " for this capture URL, as chosen on its page";
    ctx.status(status).contentType("text/plain; charset=utf-8").result(answer);
  }

  /**
   * Adds a capture to its bin, then drops the oldest captures of all bins until they fit in {@link
   * InspectorLimits#maxTotalBytes()}: many bins of many large requests once took far more memory
   * than the process had to spare (50 bins x 100 requests x 256 KB).
   */
  private void keep(Bin bin, CapturedRequest request) {
    synchronized (bins) {
      bin.add(request, captures.incrementAndGet());
      long total = 0;
      for (Bin b : bins.values()) total += b.bytes();
      if (!bins.containsValue(bin)) total += bin.bytes(); // deleted while capturing
      while (total > limits.maxTotalBytes()) {
        Bin oldest = bin;
        for (Bin b : bins.values()) if (b.oldestOrder() < oldest.oldestOrder()) oldest = b;
        long freed = oldest.dropOldest();
        if (freed == 0) break;
        total -= freed;
      }
    }
  }

  /** The body: verifiable bytes up to maxVerifiedBytes; the rest only counted. */
  private record Body(byte[] verifiable, String text, long size, boolean fullyRead) {}

  private Body readBody(Context ctx) {
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] head = in.readNBytes(limits.maxVerifiedBytes());
      long rest = 0;
      byte[] drain = new byte[64 * 1024];
      // counted, not kept; a sender streaming without end is cut off at the drain limit
      for (int n; rest < MAX_DRAINED_BYTES && (n = in.read(drain)) > 0; ) rest += n;
      int kept = Math.min(head.length, limits.maxBodyBytes());
      return new Body(head, text(head, kept), head.length + rest, rest == 0);
    } catch (IOException e) {
      return new Body(
          new byte[0], "(the body could not be read: " + e.getMessage() + ")", 0, false);
    }
  }

  // UTF-8 with replacement characters: a cut in the middle of a character must not fail
  private static String text(byte[] bytes, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
  }

  private List<Bin> snapshot() {
    synchronized (bins) {
      List<Bin> newestFirst = new ArrayList<>(bins.values());
      Collections.reverse(newestFirst);
      return newestFirst;
    }
  }

  private Bin bin(Context ctx) {
    Bin bin = bins.get(ctx.pathParam("id"));
    if (bin == null) throw notFound(ctx.pathParam("id"));
    return bin;
  }

  private static JsonNode body(Context ctx) {
    byte[] bytes;
    try (InputStream in = ctx.req().getInputStream()) {
      bytes = in.readNBytes(64 * 1024 + 1);
    } catch (IOException e) {
      throw new Problem(
          400, "Malformed JSON", List.of(new FieldError("body", "could not be read")));
    }
    if (bytes.length > 64 * 1024) throw new Problem(413, "Content Too Large", List.of());
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) return null;
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new Problem(
          400, "Malformed JSON", List.of(new FieldError("body", "is not valid JSON")));
    }
    if (node == null || !node.isObject()) {
      throw new Problem(
          400, "Invalid request", List.of(new FieldError("body", "must be a JSON object")));
    }
    for (var property : node.properties()) {
      if (!property.getKey().equals("responseStatus")) {
        throw new Problem(
            400, "Invalid request", List.of(new FieldError(property.getKey(), "unknown field")));
      }
    }
    return node;
  }

  private static int responseStatus(JsonNode body, int fallback) {
    if (body == null || !body.has("responseStatus")) return fallback;
    JsonNode status = body.get("responseStatus");
    if (!status.isIntegralNumber() || status.intValue() < 200 || status.intValue() > 599) {
      throw new Problem(
          400,
          "Invalid request",
          List.of(new FieldError("responseStatus", "must be an HTTP status code from 200 to 599")));
    }
    return status.intValue();
  }

  private static Problem notFound(String id) {
    return new Problem(
        404,
        "Not Found",
        List.of(),
        "no inspector bin '" + id + "' (bins live in memory: a restart forgets them)");
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.toBytes(body));
  }

  /** An RFC 9457 problem, written by the exception handler this class installs for itself. */
  static final class Problem extends RuntimeException {
    final int status;
    final String title;
    final List<FieldError> errors;

    Problem(int status, String title, List<FieldError> errors) {
      this(
          status,
          title,
          errors,
          errors.isEmpty() ? title : errors.get(0).field() + ": " + errors.get(0).message());
    }

    Problem(int status, String title, List<FieldError> errors, String detail) {
      super(detail, null, false, false);
      this.status = status;
      this.title = title;
      this.errors = errors;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Body(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        List<FieldError> errors) {}

    void write(Context ctx) {
      ctx.status(status)
          .contentType("application/problem+json")
          .result(
              Json.toBytes(
                  new Body("about:blank", title, status, getMessage(), ctx.path(), errors)));
    }
  }
}
