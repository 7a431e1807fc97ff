package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hookline up} on a machine other users share: its secrets are owner-only files, and a
 * second {@code up} (another data dir, the same ports) stops before starting anything, naming each
 * taken port, its setting and the process holding it. Before, it got as far as the embedded broker
 * and stopped with "embedded Kafka fatal error (halt 1): null".
 */
class UpOnASharedMachineIT {
  @TempDir Path tmp;

  @Test
  void secretsAreOwnerOnlyAndASecondUpNamesEveryTakenPort() throws Exception {
    int http = freePort();
    int db = freePort();
    int kafka = freePortWithNext();
    Path first = tmp.resolve("first");
    Files.createDirectories(first);
    // a token written by an older Hookline, readable by everyone
    Path token = first.resolve(AllInOne.TOKEN_FILE);
    Files.writeString(token, "hl_kept_token\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

    AllInOne.Started up = AllInOne.start(config(first, http, db, kafka), quiet());
    try {
      assertThat(up.config().adminTokens()).containsExactly("hl_kept_token");
      for (Path secret :
          new Path[] {
            token,
            first.resolve(AllInOne.KEY_FILE),
            first.resolve(AllInOne.DATABASE_FILE),
            first.resolve("postgres").resolve("hookline-password")
          }) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
            .as(secret.toString())
            .isEqualTo("rw-------");
      }
      assertThat(Files.readString(first.resolve(AllInOne.DATABASE_FILE)))
          .contains("password=" + up.config().dbPassword())
          .doesNotContain("password=postgres\n");

      Path second = tmp.resolve("second");
      assertThatThrownBy(() -> AllInOne.start(config(second, http, db, kafka), quiet()))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("port " + http + " (HOOKLINE_HTTP_PORT")
          .hasMessageContaining("port " + db + " (HOOKLINE_EMBEDDED_DB_PORT")
          .hasMessageContaining("port " + kafka + " (HOOKLINE_EMBEDDED_KAFKA_PORT")
          .hasMessageContaining("port " + (kafka + 1) + " (HOOKLINE_EMBEDDED_KAFKA_PORT + 1")
          .hasMessageContaining("in use by pid " + ProcessHandle.current().pid())
          .hasMessageMatching("(?s).*in use by pid \\d+ \\(\\S*postgres.*");
      assertThat(second).as("nothing started for the second up").doesNotExist();
    } finally {
      up.running().close();
    }
  }

  private static HooklineConfig config(Path dataDir, int http, int db, int kafka) {
    Map<String, String> env = new HashMap<>();
    env.put("HOOKLINE_DATA_DIR", dataDir.toString());
    env.put("HOOKLINE_HTTP_PORT", Integer.toString(http));
    env.put("HOOKLINE_EMBEDDED_DB_PORT", Integer.toString(db));
    env.put("HOOKLINE_EMBEDDED_KAFKA_PORT", Integer.toString(kafka));
    return HooklineConfig.fromEnv(env);
  }

  private static PrintStream quiet() {
    return new PrintStream(OutputStream.nullOutputStream());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int freePortWithNext() throws Exception {
    for (int i = 0; i < 50; i++) {
      int port = freePort();
      if (port < 65_535 && Ports.isFree("127.0.0.1", port + 1)) return port;
    }
    throw new IllegalStateException("no two free ports in a row");
  }
}
