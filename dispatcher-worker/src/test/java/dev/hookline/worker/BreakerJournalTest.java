package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.store.CircuitBreakerLog;
import dev.hookline.store.InMemoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BreakerJournalTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private final InMemoryStore.Breakers store = new InMemoryStore().circuitBreakers();
  private final CircuitBreakers breakers;
  private final BreakerJournal journal;

  BreakerJournalTest() {
    journal = new BreakerJournal(store, "w1", Clock.systemUTC());
    breakers = new CircuitBreakers(2, Duration.ofSeconds(30), Duration.ofMinutes(10), journal);
  }

  @Test
  void openCircuitsArePublishedAndRemovedWhenTheyClose() {
    UUID failing = UUID.randomUUID();
    journal.start();
    breakers.onFailure(failing, T);
    breakers.onFailure(failing, T);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(store.row(failing, "w1"))
                    .isNotNull()
                    .satisfies(
                        c -> {
                          assertThat(c.state()).isEqualTo(CircuitBreakerLog.State.OPEN);
                          assertThat(c.openUntil()).isEqualTo(T.plusSeconds(30));
                        }));

    breakers.admit(failing, T.plusSeconds(31)); // the probe: half-open
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                store.row(failing, "w1") != null
                    && store.row(failing, "w1").state() == CircuitBreakerLog.State.HALF_OPEN);
    breakers.onSuccess(failing);
    await().atMost(Duration.ofSeconds(5)).until(store::isEmpty);
    journal.close();
  }

  @Test
  void aFailedWriteIsRetriedAndCloseForgetsTheWorker() {
    UUID failing = UUID.randomUUID();
    store.failWith(new IllegalStateException("database down"));
    journal.start();
    breakers.onFailure(failing, T);
    breakers.onFailure(failing, T);
    store.failWith(null);
    await().atMost(Duration.ofSeconds(15)).until(() -> store.row(failing, "w1") != null);

    journal.close();
    assertThat(store.isEmpty()).isTrue();
    assertThat(store.forgotten()).isGreaterThanOrEqualTo(1);
  }
}
