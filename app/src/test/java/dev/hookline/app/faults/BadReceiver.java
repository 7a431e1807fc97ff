package dev.hookline.app.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook endpoint that misbehaves at or below HTTP, on a raw loopback socket: it reads each
 * request, then answers as its {@link Behaviour} says, one connection at a time per virtual thread.
 */
final class BadReceiver implements AutoCloseable {
  enum Behaviour {
    /** Answers 200, but only after {@link #SLOW_ANSWER}. */
    SLOW,
    /** Answers bytes that are not HTTP, then closes. */
    GARBAGE,
    /** Resets the connection (RST) instead of answering. */
    RESET,
    /** Answers 200 with a chunked body that never ends. */
    ENDLESS,
    /** Starts an answer whose first header line never ends. */
    ENDLESS_HEADER_LINE,
    /** Starts an answer with header fields that never end. */
    ENDLESS_HEADERS,
    /** Answers 503 asking to be called again in 99999999999999999 seconds. */
    RETRY_AFTER_OVERFLOW
  }

  static final String HUGE_RETRY_AFTER = "99999999999999999";

  static final long SLOW_ANSWER_MS = 8_000;
  private static final byte[] CHUNK = chunk(16 * 1024);
  private static final byte[] LINE_FILLER =
      "a".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEADER_FIELDS =
      "x-more: header\r\n".repeat(1024).getBytes(StandardCharsets.US_ASCII);

  private final Behaviour behaviour;
  private final ServerSocket server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong bytesSent = new AtomicLong();
  private final CountDownLatch closing = new CountDownLatch(1);

  BadReceiver(Behaviour behaviour) {
    this.behaviour = behaviour;
    try {
      server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofVirtual().name("bad-receiver-" + behaviour).start(this::accept);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  int requests() {
    return requests.get();
  }

  long bytesSent() {
    return bytesSent.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (readRequest(in)) {
        requests.incrementAndGet();
        switch (behaviour) {
          case SLOW -> {
            if (closing.await(SLOW_ANSWER_MS, TimeUnit.MILLISECONDS)) return;
            write(out, "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nslow");
          }
          case GARBAGE -> {
            write(out, "\u0000\u0001\u00ffnot http at all\r\n\r\n<html>{{{");
            return;
          }
          case RESET -> {
            socket.setSoLinger(true, 0); // close() now sends RST
            return;
          }
          case ENDLESS -> {
            write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
            while (closing.getCount() > 0) write(out, CHUNK); // until the client hangs up
            return;
          }
          case ENDLESS_HEADER_LINE -> {
            write(out, "HTTP/1.1 200 OK\r\nx-endless: ");
            while (closing.getCount() > 0) write(out, LINE_FILLER);
            return;
          }
          case ENDLESS_HEADERS -> {
            write(out, "HTTP/1.1 200 OK\r\n");
            while (closing.getCount() > 0) write(out, HEADER_FIELDS);
            return;
          }
          case RETRY_AFTER_OVERFLOW ->
              write(
                  out,
                  "HTTP/1.1 503 Service Unavailable\r\nretry-after: "
                      + HUGE_RETRY_AFTER
                      + "\r\ncontent-length: 0\r\n\r\n");
        }
      }
    } catch (IOException e) {
      // the client hung up: expected for ENDLESS, and for SLOW when it times out
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(OutputStream out, String text) throws IOException {
    write(out, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    bytesSent.addAndGet(bytes.length);
  }

  /** Reads one request (headers, then a content-length body); false at the end of the stream. */
  private static boolean readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (b == '\n' && head.toString().endsWith("\r\n\r\n")) break;
    }
    if (b < 0) return false;
    long length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
        length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
    }
    in.skipNBytes(length);
    return true;
  }

  private static byte[] chunk(int size) {
    byte[] data = new byte[size];
    Arrays.fill(data, (byte) 'x');
    byte[] header = (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] chunk = new byte[header.length + size + 2];
    System.arraycopy(header, 0, chunk, 0, header.length);
    System.arraycopy(data, 0, chunk, header.length, size);
    chunk[chunk.length - 2] = '\r';
    chunk[chunk.length - 1] = '\n';
    return chunk;
  }

  @Override
  public void close() throws IOException {
    closing.countDown();
    server.close();
  }
}
