package dev.hookline.app.faults;

import static org.awaitility.Awaitility.await;

import dev.hookline.app.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One role, {@code hookline worker} or {@code hookline admin-api} ({@link Main}, configured by
 * {@code HOOKLINE_*} variables), in a child JVM of its own, so that a test can kill it with {@code
 * kill -9} ({@link Process#destroyForcibly()}).
 */
final class RoleJvm implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String id;
  private final Process process;
  private final int httpPort;
  private final Path log;

  private RoleJvm(String id, Process process, int httpPort, Path log) {
    this.id = id;
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  static RoleJvm start(
      String id, String role, Map<String, String> env, List<String> jvmOptions, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Xmx"))) command.add("-Xmx384m");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add(role);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      return new RoleJvm(id, builder.start(), Integer.parseInt(env.get("HOOKLINE_HTTP_PORT")), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + role + " " + id, e);
    }
  }

  String id() {
    return id;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void awaitHealthy(Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!process.isAlive())
                throw new AssertionError(id + " exited: " + Files.readString(log));
              return healthy();
            });
  }

  /** {@code GET /health} answers 200. */
  boolean healthy() {
    try {
      return get("/health").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** The value of a counter or gauge of {@code /metrics} (summed over its labels matching). */
  double metric(String name, String labelFilter) throws IOException {
    double sum = 0;
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(name) && line.contains(labelFilter)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private HttpResponse<String> get(String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Resident memory of the JVM, from /proc (0 when not on Linux). */
  long residentKb() {
    try {
      Matcher m =
          Pattern.compile("VmRSS:\\s+(\\d+) kB")
              .matcher(Files.readString(Path.of("/proc", Long.toString(process.pid()), "status")));
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** {@code kill -9}: no shutdown hook runs, nothing is acknowledged or released. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS))
      throw new IllegalStateException(id + " survived kill -9");
  }

  /** SIGTERM: the role's shutdown hook lets running work finish; then kill -9. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(45, TimeUnit.SECONDS)) kill();
  }
}
