package dev.hookline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.app.faults.RestartScenario.Piece;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker, then PostgreSQL, stopped in the middle of a stream of events and started again on the
 * same port and data directory (issue #9), each on a stack of its own ({@link RestartScenario}:
 * every (event, webhook) pair ends {@code succeeded}, every event reaches the receiver, nothing is
 * half written, the roles recover without being restarted).
 */
class InfrastructureRestartIT {
  private static final Logger log = LoggerFactory.getLogger(InfrastructureRestartIT.class);

  @TempDir Path dir;

  /**
   * The only broker, stopped cleanly for 10 s: the publisher buffers, the router (exactly-once) and
   * the worker reconnect by themselves.
   */
  @Test
  void aBrokerStoppedAndRestartedMidLoadLosesNoDelivery() throws Exception {
    log.info("FAULT broker stopped 10 s: {}", RestartScenario.run(dir, Piece.KAFKA, seconds(10)));
  }

  /**
   * PostgreSQL stopped for 15 s ({@code pg_ctl stop -m fast}): the worker cannot record its
   * attempts, so it acknowledges none (it releases its tasks back to Kafka), backs off, and resumes
   * by itself; no delivery row stands without its attempts.
   */
  @Test
  void postgresStoppedAndRestartedMidLoadLosesNoDelivery() throws Exception {
    RestartScenario.Outcome outcome = RestartScenario.run(dir, Piece.POSTGRES, seconds(15));
    assertThat(outcome.released()).as("tasks released while PostgreSQL was down").isPositive();
    log.info("FAULT PostgreSQL stopped 15 s: {}", outcome);
  }

  private static Duration seconds(int n) {
    return Duration.ofSeconds(n);
  }
}
