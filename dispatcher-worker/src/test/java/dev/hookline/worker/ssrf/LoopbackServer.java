package dev.hookline.worker.ssrf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP/1.1 server on a loopback address that counts accepted TCP connections (not just
 * requests), so a test can prove that a refused target received nothing at all. Answers every
 * request with one fixed response.
 */
final class LoopbackServer implements AutoCloseable {

  private final ServerSocket server;
  private final String response;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  private LoopbackServer(InetAddress address, String response) throws IOException {
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException("tests only ever listen on loopback: " + address);
    }
    this.server = new ServerSocket();
    this.server.bind(new InetSocketAddress(address, 0));
    this.response = response;
    this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
  }

  static LoopbackServer ok(InetAddress address) throws IOException {
    return new LoopbackServer(
        address, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
  }

  static LoopbackServer redirectingTo(InetAddress address, String location) throws IOException {
    return new LoopbackServer(
        address,
        "HTTP/1.1 302 Found\r\nlocation: "
            + location
            + "\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  }

  int port() {
    return server.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        connections.incrementAndGet();
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
          // Skip the request head; the tests only send bodiless GETs.
        }
        OutputStream out = socket.getOutputStream();
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException e) {
        // Closed while accepting, or the client went away: nothing to answer.
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
