package dev.hookline.bench;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The receiver's HTTP/1.1 server: one virtual thread per keep-alive connection reading requests off
 * a blocking socket. Much cheaper per request than {@code com.sun.net.httpserver}, which hands
 * every connection back and forth between its selector thread and the executor (measured here:
 * 8,100 requests/s at 0.58 cores for the JDK server; see docs/benchmarks.md). It knows just what a
 * webhook receiver needs: a request line, headers, a body by {@code Content-Length} or chunked, and
 * a short answer.
 */
final class MiniHttpServer implements AutoCloseable {
  /** What the server needs from its user: one answer per request. */
  @FunctionalInterface
  interface Handler {
    /**
     * @return the answer's status and body (may be empty); sleeping here delays the answer
     */
    Answer handle(String method, String target, byte[] body) throws InterruptedException;
  }

  record Answer(int status, byte[] body) {
    static final Answer OK = new Answer(200, new byte[0]);
  }

  private static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  private final ServerSocket server;
  private final Handler handler;

  private MiniHttpServer(ServerSocket server, Handler handler) {
    this.server = server;
    this.handler = handler;
  }

  static MiniHttpServer start(int port, Handler handler) throws IOException {
    ServerSocket socket = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress());
    MiniHttpServer server = new MiniHttpServer(socket, handler);
    Thread.ofPlatform().daemon().name("receiver-accept").start(server::acceptLoop);
    return server;
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException e) {
        // closed, or one failed accept: go on while open
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      Input in = new Input(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 4 * 1024);
      byte[] line = new byte[MAX_HEADER_BYTES];
      while (true) {
        String requestLine = readLine(in, line, true);
        if (requestLine == null) return; // the client closed the connection
        if (requestLine.isEmpty()) continue;
        int sp1 = requestLine.indexOf(' ');
        int sp2 = requestLine.indexOf(' ', sp1 + 1);
        if (sp1 < 0 || sp2 < 0) return;
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        long length = 0;
        boolean chunked = false;
        boolean close = requestLine.endsWith("HTTP/1.0");
        String header;
        while (!(header = readLine(in, line, false)).isEmpty()) {
          int colon = header.indexOf(':');
          if (colon < 0) continue;
          String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          String value = header.substring(colon + 1).trim();
          switch (name) {
            case "content-length" -> length = Long.parseLong(value);
            case "transfer-encoding" ->
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            case "connection" -> close = value.equalsIgnoreCase("close");
            default -> {}
          }
        }
        byte[] body = chunked ? readChunked(in, line) : readFixed(in, length);
        Answer answer;
        try {
          answer = handler.handle(method, target, body);
        } catch (InterruptedException e) {
          return;
        }
        out.write(
            ("HTTP/1.1 "
                    + answer.status()
                    + (answer.status() == 200 ? " OK" : " Status")
                    + "\r\nContent-Length: "
                    + answer.body().length
                    + (answer.body().length > 0 ? "\r\nContent-Type: application/json" : "")
                    + (close ? "\r\nConnection: close" : "")
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(answer.body());
        out.flush();
        if (close) return;
      }
    } catch (IOException | RuntimeException e) {
      // the client went away (e.g. its timeout against a hanging group) or sent garbage: drop it
    }
  }

  /**
   * A CRLF-terminated line; null at a clean end of stream before the first byte when {@code eofOk}.
   */
  private static String readLine(Input in, byte[] buffer, boolean eofOk) throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (eofOk && n == 0) return null;
        throw new EOFException("connection closed mid-request");
      }
      if (b == '\n') break;
      if (n == buffer.length) throw new IOException("header line too long");
      buffer[n++] = (byte) b;
    }
    if (n > 0 && buffer[n - 1] == '\r') n--;
    return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
  }

  private static byte[] readFixed(Input in, long length) throws IOException {
    if (length > MAX_BODY_BYTES) throw new IOException("body too large");
    return in.readExactly((int) length);
  }

  /**
   * A buffer over the socket without BufferedInputStream's lock per byte: one reader per
   * connection.
   */
  private static final class Input {
    private final InputStream in;
    private final byte[] buffer = new byte[16 * 1024];
    private int pos;
    private int limit;

    Input(InputStream in) {
      this.in = in;
    }

    int read() throws IOException {
      if (pos == limit && !fill()) return -1;
      return buffer[pos++] & 0xff;
    }

    byte[] readExactly(int n) throws IOException {
      byte[] out = new byte[n];
      int done = 0;
      while (done < n) {
        if (pos == limit && !fill()) throw new EOFException("body cut short");
        int take = Math.min(n - done, limit - pos);
        System.arraycopy(buffer, pos, out, done, take);
        pos += take;
        done += take;
      }
      return out;
    }

    private boolean fill() throws IOException {
      int n = in.read(buffer, 0, buffer.length);
      if (n <= 0) return false;
      pos = 0;
      limit = n;
      return true;
    }
  }

  private static byte[] readChunked(Input in, byte[] line) throws IOException {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    while (true) {
      String size = readLine(in, line, false);
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) break;
      if (body.size() + n > MAX_BODY_BYTES) throw new IOException("body too large");
      body.write(readFixed(in, n));
      readLine(in, line, false); // the CRLF after the chunk
    }
    while (!readLine(in, line, false).isEmpty()) {
      // trailers
    }
    return body.toByteArray();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
