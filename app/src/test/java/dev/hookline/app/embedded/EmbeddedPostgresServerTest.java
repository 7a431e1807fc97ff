package dev.hookline.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
