package dev.hookline.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code hookline.admin.http.requests} timers, one per method, route template and status, each
 * registered once and then looked up (issue 20, stop 31): a {@code Timer.builder(...)
 * .register(...)} per request built its id and tags again every time. The keys are as bounded as
 * the series themselves: route templates (never raw paths), methods and statuses.
 */
final class RequestTimers {
  static final String NAME = "hookline.admin.http.requests";

  private record Key(String method, String route, int status) {}

  private final MeterRegistry registry;
  private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

  RequestTimers(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(String method, String route, int status, long nanos) {
    timer(method, route, status).record(nanos, TimeUnit.NANOSECONDS);
  }

  Timer timer(String method, String route, int status) {
    Key key = new Key(method, route, status);
    Timer timer = timers.get(key);
    if (timer == null) timer = timers.computeIfAbsent(key, this::register);
    return timer;
  }

  private Timer register(Key key) {
    return Timer.builder(NAME)
        .description("Admin API requests")
        .tag("method", key.method())
        .tag("route", key.route())
        .tag("status", Integer.toString(key.status()))
        .register(registry);
  }
}
