package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load generator of the ingest scenario: {@code connections} platform threads, each on its own
 * keep-alive HTTP/1.1 connection (a blocking read costs a platform thread one system call; a
 * virtual thread also parks, waits for the poller and is scheduled again), POST the same body to
 * the admin API until {@code requests} were sent or {@code maxNanos} passed. A batch answer counts
 * the events it says it accepted; a single one counts 1 for a 202.
 *
 * <p>The request is written from bytes made once and the answer read by hand (status line, headers,
 * a {@code Content-Length} or chunked body), as wrk does: the load generator shares the machine
 * with the server it measures, and Apache HttpClient 5 cost about 49 µs of CPU per request here
 * (issue 20, stop 27), a sixth of the machine's CPU per event, which the server then lacked.
 */
final class IngestPoster {
  /**
   * @param events events the API accepted
   * @param failedRequests requests answered other than 202 (single) or 200 (batch), or not at all
   */
  record Result(
      long requests, long events, long failedRequests, long elapsedNanos, String firstError) {
    double eventsPerSecond() {
      return elapsedNanos == 0 ? 0 : events * 1e9 / elapsedNanos;
    }
  }

  /** One answer as read off the connection; {@code close}: the server will close it. */
  record Answer(int status, byte[] body, boolean close) {}

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  private IngestPoster() {}

  static Result post(
      URI target,
      String token,
      byte[] body,
      boolean batch,
      long requests,
      int connections,
      long maxNanos)
      throws InterruptedException {
    byte[] request = request(target, token, body);
    AtomicLong next = new AtomicLong();
    AtomicLong events = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    long deadline = start + maxNanos;
    List<Thread> threads = new ArrayList<>(connections);
    for (int t = 0; t < connections; t++) {
      threads.add(
          Thread.ofPlatform()
              .name(CpuMeter.CLIENT_THREAD_PREFIX, t)
              .daemon()
              .start(
                  () -> {
                    Connection connection = null;
                    try {
                      while (next.getAndIncrement() < requests && System.nanoTime() < deadline) {
                        String error;
                        try {
                          if (connection == null) connection = Connection.open(target);
                          Answer answer = connection.exchange(request);
                          if (answer.close()) {
                            connection.close();
                            connection = null;
                          }
                          error = count(answer, batch, events);
                        } catch (IOException | RuntimeException e) {
                          if (connection != null) connection.close();
                          connection = null;
                          error = e.toString();
                        }
                        if (error != null) {
                          failed.incrementAndGet();
                          firstError.compareAndSet(null, error);
                        }
                      }
                    } finally {
                      if (connection != null) connection.close();
                      // this thread's CPU, which the bench can no longer read once it ends
                      CpuMeter.ENDED_CLIENT_NANOS.add(
                          java.lang.management.ManagementFactory.getThreadMXBean()
                              .getCurrentThreadCpuTime());
                    }
                  }));
    }
    for (Thread thread : threads) thread.join();
    long sent = Math.min(next.get(), requests);
    return new Result(
        sent, events.get(), failed.get(), System.nanoTime() - start, firstError.get());
  }

  /** The whole request, head and body, as it goes on the wire. */
  static byte[] request(URI target, String token, byte[] body) {
    String head =
        "POST "
            + target.getRawPath()
            + " HTTP/1.1\r\nHost: "
            + target.getHost()
            + ":"
            + target.getPort()
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** Null when the request was answered as expected, else what went wrong. */
  private static String count(Answer answer, boolean batch, AtomicLong events) throws IOException {
    if (batch && answer.status() == 200) {
      JsonNode accepted = Json.MAPPER.readTree(answer.body()).path("accepted");
      events.addAndGet(accepted.asLong());
      return accepted.asLong() > 0 ? null : "a batch with nothing accepted";
    }
    if (!batch && answer.status() == 202) {
      events.incrementAndGet();
      return null;
    }
    return answer.status() + " " + new String(answer.body(), StandardCharsets.UTF_8);
  }

  /** One keep-alive connection. */
  static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      this.out = socket.getOutputStream();
    }

    static Connection open(URI target) throws IOException {
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.connect(
            new InetSocketAddress(target.getHost(), target.getPort()), CONNECT_TIMEOUT_MILLIS);
        return new Connection(socket);
      } catch (IOException e) {
        socket.close();
        throw e;
      }
    }

    Answer exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      return read(in);
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing to do: the connection is dropped either way
      }
    }
  }

  /** Reads one HTTP/1.1 answer: status line, headers, then the body they announce. */
  static Answer read(InputStream in) throws IOException {
    String status = line(in);
    if (!status.startsWith("HTTP/1.") || status.length() < 12)
      throw new IOException("not an HTTP/1.x status line: " + status);
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = status.startsWith("HTTP/1.0");
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      if (colon < 0) throw new IOException("malformed header: " + header);
      String name = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) length = Long.parseLong(value);
      else if (name.equalsIgnoreCase("transfer-encoding"))
        chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
      else if (name.equalsIgnoreCase("connection"))
        close = value.equalsIgnoreCase("close") || (close && !value.equalsIgnoreCase("keep-alive"));
    }
    byte[] body;
    if (chunked) body = chunks(in);
    else if (length >= 0) body = exactly(in, (int) length);
    else if (code == 204 || code == 304) body = new byte[0];
    else {
      body = in.readAllBytes(); // delimited by the end of the connection
      close = true;
    }
    return new Answer(code, body, close);
  }

  private static byte[] chunks(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        while (!line(in).isEmpty()) {
          // trailers: none expected, skipped
        }
        return body.toByteArray();
      }
      body.write(exactly(in, n));
      if (!line(in).isEmpty()) throw new IOException("a chunk not followed by CRLF");
    }
  }

  private static byte[] exactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) throw new IOException("the connection ended inside a body");
    return b;
  }

  /** One line without its CRLF (a bare LF also ends it). */
  private static String line(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder(64);
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) throw new IOException("the connection ended inside a head");
      if (c != '\r') s.append((char) c);
      if (s.length() > 16 * 1024) throw new IOException("a head line over 16 KB");
    }
    return s.toString();
  }
}
