package dev.hookline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The bench's handle on the receiver JVM ({@link ReceiverMain}). */
final class ReceiverProcess implements AutoCloseable {
  private final ChildJvm jvm;
  private final int port;
  private final HttpClient control =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ReceiverProcess(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  static ReceiverProcess start(Path logDir, List<String> extraJvmOptions) {
    List<String> options = new java.util.ArrayList<>(List.of("-Xmx512m"));
    options.addAll(extraJvmOptions);
    ChildJvm jvm =
        ChildJvm.start(
            "receiver",
            ReceiverMain.class,
            options,
            List.of("0"),
            Map.of(),
            logDir.resolve("receiver.log"));
    int port = Integer.parseInt(jvm.awaitLine("PORT", Duration.ofSeconds(30)));
    return new ReceiverProcess(jvm, port);
  }

  long pid() {
    return jvm.pid();
  }

  /** The URL of endpoint {@code id} in {@code group}. */
  String url(String group, int id) {
    return "http://127.0.0.1:" + port + "/" + group + "/" + id;
  }

  /** The single endpoint URL the raw-ceiling client posts to. */
  URI uri(String group, int id) {
    return URI.create(url(group, id));
  }

  void configure(String group, long latencyMs, long hangMs) {
    call("POST", "config?group=" + group + "&latencyMs=" + latencyMs + "&hangMs=" + hangMs);
  }

  /**
   * Forgets every count; requests for events older than {@code sinceMs} are ignored from now on.
   */
  void reset(long sinceMs) {
    call("POST", "reset?sinceMs=" + sinceMs);
  }

  long count(String group) {
    return Long.parseLong(call("GET", "count?group=" + group).trim());
  }

  ReceiverStats stats(String group) {
    return ReceiverStats.parse(call("GET", "stats?group=" + group));
  }

  private String call(String method, String command) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_bench/" + command))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      HttpResponse<String> response = control.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200)
        throw new IllegalStateException("receiver answered " + response.statusCode());
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("receiver unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    jvm.stop(Duration.ofSeconds(5));
  }
}
