package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private final List<CircuitBreakers.State> transitions = new CopyOnWriteArrayList<>();
  private final CircuitBreakers breakers =
      new CircuitBreakers(3, Duration.ofSeconds(30), Duration.ofSeconds(100), transitions::add);
  private final UUID hook = UUID.randomUUID();

  @Test
  void opensAfterConsecutiveFailuresOnly() {
    breakers.onFailure(hook, T);
    breakers.onFailure(hook, T);
    breakers.onSuccess(hook);
    breakers.onFailure(hook, T);
    breakers.onFailure(hook, T);
    assertThat(breakers.admit(hook, T)).as("a success reset the count").isEmpty();
    breakers.onFailure(hook, T);
    assertThat(breakers.admit(hook, T)).contains(T.plusSeconds(30));
    assertThat(breakers.admit(UUID.randomUUID(), T)).as("other webhooks unaffected").isEmpty();
    assertThat(breakers.openCount()).isEqualTo(1);
  }

  @Test
  void oneProbeAfterTheCooldownThenClosedOrOpenForLonger() {
    for (int i = 0; i < 3; i++) breakers.onFailure(hook, T);
    Instant later = T.plusSeconds(30);
    assertThat(breakers.admit(hook, later)).as("the probe").isEmpty();
    assertThat(breakers.state(hook)).isEqualTo(CircuitBreakers.State.HALF_OPEN);
    assertThat(breakers.admit(hook, later)).as("others wait for the probe").isPresent();

    breakers.onFailure(hook, later);
    assertThat(breakers.admit(hook, later)).contains(later.plusSeconds(60));
    Instant probe2 = later.plusSeconds(60);
    assertThat(breakers.admit(hook, probe2)).isEmpty();
    breakers.onFailure(hook, probe2);
    assertThat(breakers.admit(hook, probe2)).as("capped").contains(probe2.plusSeconds(100));

    Instant probe3 = probe2.plusSeconds(100);
    assertThat(breakers.admit(hook, probe3)).isEmpty();
    breakers.onSuccess(hook);
    assertThat(breakers.state(hook)).isEqualTo(CircuitBreakers.State.CLOSED);
    assertThat(breakers.admit(hook, probe3)).isEmpty();
    assertThat(breakers.openCount()).isZero();
    assertThat(transitions)
        .containsExactly(
            CircuitBreakers.State.OPEN,
            CircuitBreakers.State.HALF_OPEN,
            CircuitBreakers.State.OPEN,
            CircuitBreakers.State.HALF_OPEN,
            CircuitBreakers.State.OPEN,
            CircuitBreakers.State.HALF_OPEN,
            CircuitBreakers.State.CLOSED);
  }

  @Test
  void tasksBehindAProbeWaitTheBaseCooldownNotTheDoubledOne() {
    for (int i = 0; i < 3; i++) breakers.onFailure(hook, T);
    Instant probe1 = T.plusSeconds(30);
    assertThat(breakers.admit(hook, probe1)).isEmpty();
    breakers.onFailure(hook, probe1); // open for 60 s
    Instant probe2 = probe1.plusSeconds(60);
    assertThat(breakers.admit(hook, probe2)).isEmpty();
    breakers.onFailure(hook, probe2); // open for 100 s (capped)
    Instant probe3 = probe2.plusSeconds(100);
    assertThat(breakers.admit(hook, probe3)).as("the probe").isEmpty();
    assertThat(breakers.admit(hook, probe3))
        .as("behind the probe: the base cool-down, not 100 s")
        .contains(probe3.plusSeconds(30));
    breakers.onSuccess(hook);
    assertThat(breakers.admit(hook, probe3.plusSeconds(30))).as("closed: they go").isEmpty();
  }

  @Test
  void aLostProbeDoesNotKeepTheCircuitHalfOpenForever() {
    for (int i = 0; i < 3; i++) breakers.onFailure(hook, T);
    Instant probe = T.plusSeconds(30);
    assertThat(breakers.admit(hook, probe)).isEmpty();
    // the probe's outcome never comes back (handed off, worker busy...)
    assertThat(breakers.admit(hook, probe.plusSeconds(29))).isPresent();
    assertThat(breakers.admit(hook, probe.plusSeconds(30))).as("another probe").isEmpty();
  }
}
