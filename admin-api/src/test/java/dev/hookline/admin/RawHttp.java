package dev.hookline.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request exactly as given, bytes and all, over a fresh connection: header names, paths and
 * encodings no well-behaved client would send. Reads the answer until the server closes.
 */
final class RawHttp {
  record Answer(int status, String head, String body) {
    String contentType() {
      for (String line : head.split("\r\n")) {
        if (line.regionMatches(true, 0, "content-type:", 0, 13)) return line.substring(13).strip();
      }
      return "";
    }
  }

  private RawHttp() {}

  static Answer send(int port, byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String head = end < 0 ? text : text.substring(0, end);
      String body = end < 0 ? "" : text.substring(end + 4);
      String[] statusLine = head.split(" ", 3);
      if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
        throw new AssertionError("no HTTP answer, got: " + PropertyCheck.abbreviate(text));
      }
      return new Answer(Integer.parseInt(statusLine[1]), head, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A request with the given request target, extra header lines (each without CRLF) and body. */
  static byte[] request(
      String method, String target, String token, String headerLines, byte[] body) {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    String head =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
            + headerLines
            + (body == null ? "" : "Content-Length: " + body.length + "\r\n")
            + "\r\n";
    request.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) request.writeBytes(body);
    return request.toByteArray();
  }
}
