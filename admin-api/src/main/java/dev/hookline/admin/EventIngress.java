package dev.hookline.admin;

import dev.hookline.schemas.Json;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/events}, the single event, answered in Jetty's own handler in front of
 * Javalin's servlet (issue 20, stop 27): for a request this small, the servlet layer and Javalin's
 * request handling around the route (its context, filters, tasks, compressing output stream, the
 * session handler) were about a third of the admin API's CPU per event, as much as the route.
 *
 * <p>It answers exactly what the Javalin route answers: the same token check ({@link Auth}: 401
 * without a valid token, 403 for a tenant's), the same body reading ({@link Requests#jsonBytes}:
 * 415, 413, 400), the same event check and publication ({@link EventRoutes#publish}), the same
 * problems ({@code application/problem+json}, 500 only for the unexpected, logged), and the same
 * request timer. Anything but a {@code POST} to exactly this path (a trailing slash, another
 * method, an encoded path) goes on to Javalin, which answers it as before; the Javalin route stays
 * registered for those.
 */
final class EventIngress extends Handler.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(EventIngress.class);
  static final String PATH = AdminApi.API_BASE + "/events";

  private final Auth auth;
  private final EventRoutes events;
  private final RequestTimer timer;
  private final LongAdder answered = new LongAdder();

  /** Records one answered request as Javalin's request logger does. */
  @FunctionalInterface
  interface RequestTimer {
    void record(String method, String route, int status, long nanos);
  }

  EventIngress(Auth auth, EventRoutes events, RequestTimer timer) {
    this.auth = auth;
    this.events = events;
    this.timer = timer;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!"POST".equals(request.getMethod()) || !PATH.equals(request.getHttpURI().getPath())) {
      return super.handle(request, response, callback);
    }
    long start = System.nanoTime();
    int status;
    String contentType;
    byte[] body;
    byte[] event = null;
    try {
      authorize(request, response);
      event = readEvent(request);
      EventRoutes.Accepted accepted =
          events.publish(request.getHeaders().get(IdempotentRequests.HEADER), event);
      if (accepted.replayed())
        response.getHeaders().put(IdempotentRequests.REPLAYED_HEADER, "true");
      status = 202;
      contentType = Responses.JSON;
      body = accepted.body();
    } catch (ApiProblem problem) {
      status = problem.status();
      contentType = ApiProblem.CONTENT_TYPE;
      body = problem(problem);
    } catch (Exception e) {
      log.error("POST {} failed", PATH, e);
      ApiProblem problem =
          ApiProblem.http(
              500, "Internal Server Error", "the request failed unexpectedly; see the server log");
      status = problem.status();
      contentType = ApiProblem.CONTENT_TYPE;
      body = problem(problem);
    }
    // Refused before its body was read (token, content type, size): Jetty cannot keep the
    // connection, and a keep-alive client must hear it, or it sends its next request into a
    // socket that is closing.
    if (event == null && request.getLength() != 0)
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    // counted before the answer leaves, so that whoever got it finds it counted
    timer.record("POST", PATH, status, System.nanoTime() - start);
    answered.increment();
    write(response, callback, status, contentType, body);
    return true;
  }

  /** Requests answered here rather than by Javalin, for tests. */
  long answered() {
    return answered.sum();
  }

  private void authorize(Request request, Response response) {
    Optional<Caller> caller = auth.caller(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    if (caller.isEmpty()) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, Auth.CHALLENGE);
      throw ApiProblem.unauthorized();
    }
    if (caller.get() instanceof Caller.Member) throw Auth.adminOnly();
  }

  private byte[] readEvent(Request request) {
    return Requests.jsonBytes(
        request.getHeaders().get(HttpHeader.CONTENT_TYPE),
        request.getLength(),
        () -> Content.Source.asInputStream(request),
        events.maxBytes());
  }

  private static byte[] problem(ApiProblem problem) {
    return Json.toBytes(problem.body(PATH));
  }

  private static void write(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
