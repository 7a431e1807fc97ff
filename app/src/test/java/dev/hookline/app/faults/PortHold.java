package dev.hookline.app.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Keeps the port of a server that a fault test stopped for itself until the server comes back on
 * it. The socket is bound but never listens, so connections to the port are still refused, as they
 * would be to a stopped server; but the kernel hands the port to no outgoing connection meanwhile
 * and {@link FaultStack#freePort()} to no other test (seen in CI, where the ephemeral range starts
 * low: a receiver down for two minutes could not listen again on its port).
 */
final class PortHold implements AutoCloseable {
  private final Socket socket;

  private PortHold(Socket socket) {
    this.socket = socket;
  }

  /** Holds {@code port} on loopback; the server that had it must have stopped. */
  static PortHold of(int port) {
    Socket socket = new Socket();
    try {
      socket.setReuseAddress(true); // the stopped server's connections may linger in TIME_WAIT
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return new PortHold(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw new UncheckedIOException("cannot hold port " + port + " while its server is down", e);
    }
  }

  /** Lets the port go, just before the server binds it again. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
