package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void aTakenPortIsNamedWithItsSettingAndTheProcessHoldingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int freePort = free.getLocalPort();
      free.close();
      assertThatThrownBy(
              () ->
                  Ports.requireFree(
                      List.of(
                          new Ports.Wanted("127.0.0.1", freePort, "HOOKLINE_HTTP_PORT, the API"),
                          new Ports.Wanted(
                              "127.0.0.1",
                              taken.getLocalPort(),
                              "HOOKLINE_EMBEDDED_DB_PORT, the embedded PostgreSQL"))))
          .isInstanceOf(StartupException.class)
          .hasMessageStartingWith(
              "port "
                  + taken.getLocalPort()
                  + " (HOOKLINE_EMBEDDED_DB_PORT, the embedded PostgreSQL) is in use by pid "
                  + ProcessHandle.current().pid()
                  + " (")
          .hasMessageContaining("Is another `hookline up` running?")
          .hasMessageNotContaining("port " + freePort);
    }
  }

  @Test
  void freePortsAndPortZeroPass() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Ports.requireFree(
        List.of(new Ports.Wanted("127.0.0.1", port, "x"), new Ports.Wanted("127.0.0.1", 0, "y")));
    assertThat(Ports.isFree("127.0.0.1", port)).isTrue();
  }
}
