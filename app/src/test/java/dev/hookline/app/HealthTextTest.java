package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.admin.HealthReport;
import dev.hookline.app.embedded.EmbeddedPostgresServer;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} is open to whoever reaches the port: when PostgreSQL cannot be reached it says
 * "down", not the driver's message (which named the host, the port, the user; before, it read
 * "down: Connection to localhost:41234 refused. Check that the hostname and port are correct...").
 */
class HealthTextTest {
  @TempDir Path dir;

  @Test
  void theDatabaseCheckIsAFixedWordWhateverTheFailure() {
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, 0);
    try (Database db =
        Database.open(
            new DatabaseConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2),
            SecretCipher.fromBase64Key(SecretCipher.generateKey()))) {
      assertThat(Roles.databaseHealth(db)).isEqualTo(HealthReport.up(Map.of("database", "up")));
      pg.close();
      HealthReport down = Roles.databaseHealth(db);
      assertThat(down).isEqualTo(HealthReport.down(Map.of("database", "down")));
    } finally {
      pg.close();
    }
  }
}
