package dev.hookline.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {
  @TempDir Path dataDir;

  @Test
  void dataSurvivesAStopAndAStartOnTheSameDirectory() throws Exception {
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0)) {
      try (Connection c = connect(pg);
          Statement s = c.createStatement()) {
        assertThat(query(s, "select current_database()"))
            .isEqualTo(EmbeddedPostgresServer.DATABASE);
        s.execute("create table kept (v text)");
        s.execute("insert into kept values ('still here')");
      }
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0);
        Connection c = connect(pg);
        Statement s = c.createStatement()) {
      assertThat(query(s, "select v from kept")).isEqualTo("still here");
    }
  }

  @Test
  void aStalePidFileFromAKilledRunDoesNotBlockTheNextStart() throws Exception {
    EmbeddedPostgresServer.start(dataDir, 0).close();
    // What a killed JVM leaves behind when the PID got reused: a postmaster.pid naming a live
    // process that is not PostgreSQL (here, this JVM). PostgreSQL alone would refuse to start.
    Files.writeString(
        dataDir.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + dataDir + "\n");

    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0);
        Connection c = connect(pg);
        Statement s = c.createStatement()) {
      assertThat(query(s, "select 1")).isEqualTo("1");
    }
  }

  @Test
  void aSecondServerOnADirectoryInUseIsRefusedClearly() {
    try (EmbeddedPostgresServer ignored = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use");
    }
  }

  /**
   * zonky's PostgreSQL trusted every local user: anyone on the machine could connect as the
   * superuser, read the webhooks' secrets and write delivery tasks. Now every connection needs the
   * generated password, kept owner-only in the data directory, and it listens on loopback only.
   */
  @Test
  void everyConnectionNeedsTheGeneratedPasswordAndOnlyLoopbackIsListenedOn() throws Exception {
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertThat(pg.password()).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo("postgres");
      assertRefusedWithout(pg);
      try (Connection c = connect(pg);
          Statement s = c.createStatement()) {
        assertThat(query(s, "show listen_addresses")).isEqualTo("localhost");
      }
      Path passwordFile = dataDir.resolve(EmbeddedPostgresServer.PASSWORD_FILE);
      assertThat(Files.readString(passwordFile).trim()).isEqualTo(pg.password());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
          .isEqualTo("rw-------");
    }
    try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertThat(again.password()).as("kept across restarts").isEqualTo(passwordOf(dataDir));
      assertRefusedWithout(again);
    }
  }

  /** A data directory of an older Hookline (trust for everyone) is closed at its next start. */
  @Test
  void aDataDirectoryThatTrustedEveryoneGetsItsPasswordAtTheNextStart() throws Exception {
    try (EmbeddedPostgres old =
        EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start()) {
      try (Connection c = old.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("create table kept (v text)");
        s.execute("insert into kept values ('still here')");
      }
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertRefusedWithout(pg);
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://localhost:" + pg.port() + "/postgres",
                  pg.user(),
                  pg.password());
          Statement s = c.createStatement()) {
        assertThat(query(s, "select v from kept")).isEqualTo("still here");
      }
    }
  }

  private static void assertRefusedWithout(EmbeddedPostgresServer pg) {
    for (String password : new String[] {"", "postgres", "wrong"}) {
      assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), password))
          .as("password '%s'", password)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password");
    }
  }

  private static String passwordOf(Path dir) throws Exception {
    return Files.readString(dir.resolve(EmbeddedPostgresServer.PASSWORD_FILE)).trim();
  }

  private static Connection connect(EmbeddedPostgresServer pg) throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
  }

  private static String query(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
