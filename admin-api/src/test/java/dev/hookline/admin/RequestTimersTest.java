package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestTimersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RequestTimers timers = new RequestTimers(registry);

  @Test
  void oneTimerPerMethodRouteAndStatus() {
    timers.record("POST", "/api/v1/events", 202, 1_000);
    timers.record("POST", "/api/v1/events", 202, 3_000);
    timers.record("POST", "/api/v1/events", 400, 5_000);
    timers.record("GET", "/api/v1/events", 202, 7_000);

    Timer accepted =
        registry
            .get(RequestTimers.NAME)
            .tags("method", "POST", "route", "/api/v1/events", "status", "202")
            .timer();
    assertThat(accepted.count()).isEqualTo(2);
    assertThat(accepted.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(4_000);
    assertThat(accepted.getId().getDescription()).isEqualTo("Admin API requests");
    assertThat(registry.get(RequestTimers.NAME).tag("status", "400").timer().count()).isEqualTo(1);
    assertThat(registry.get(RequestTimers.NAME).tag("method", "GET").timer().count()).isEqualTo(1);
    assertThat(registry.get(RequestTimers.NAME).timers()).hasSize(3);
    assertThat(timers.timer("POST", "/api/v1/events", 202)).isSameAs(accepted);
  }
}
