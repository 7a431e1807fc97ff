package dev.hookline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A helper JVM (receiver, worker) started with this JVM's java and class path. It talks over stdin
 * (commands) and stdout (answer lines); its stderr goes to a log file. Closing stdin tells it to
 * finish, so it also ends when the bench dies.
 */
final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final OutputStream stdin;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.log = log;
    Thread.ofPlatform()
        .daemon()
        .name("bench-" + name + "-stdout")
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) lines.add(line);
              } catch (IOException e) {
                // the process ended
              }
            });
  }

  static ChildJvm start(
      String name,
      Class<?> main,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> env,
      Path log) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add("-Dlogback.configurationFile=" + BenchMain.LOGBACK);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    try {
      return new ChildJvm(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the " + name + " JVM", e);
    }
  }

  /**
   * The JVM options of a Hookline role's JVM before the bench's own (its {@code -Xmx}): the
   * defaults the {@code hookline} script chose for this machine and JDK ({@code
   * HOOKLINE_JVM_DEFAULTS}, which it exports), then {@code HOOKLINE_JAVA_OPTS}, so that a worker,
   * router or admin API JVM of the bench runs as {@code ./hookline worker} would, and a flag tried
   * through {@code HOOKLINE_JAVA_OPTS} reaches every JVM of ours, not only the bench's.
   */
  static List<String> roleOptions(Map<String, String> env) {
    List<String> options = new ArrayList<>();
    for (String variable : List.of("HOOKLINE_JVM_DEFAULTS", "HOOKLINE_JAVA_OPTS")) {
      String value = env.getOrDefault(variable, "").strip();
      if (!value.isEmpty()) options.addAll(List.of(value.split("\\s+")));
    }
    return options;
  }

  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  long pid() {
    return process.pid();
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends one command line. */
  void send(String command) {
    try {
      stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new IllegalStateException(name + " is gone (see " + log + ")", e);
    }
  }

  /** The next stdout line starting with {@code prefix} (others are skipped), without the prefix. */
  String awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        String line =
            left > 0 ? lines.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS) : null;
        if (line != null && line.startsWith(prefix)) return line.substring(prefix.length()).trim();
        if (line == null && !process.isAlive() && lines.isEmpty()) {
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + " (see " + log + ")");
        }
        if (left <= 0)
          throw new IllegalStateException(
              name + " did not answer '" + prefix + "' within " + timeout + " (see " + log + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  /** Closes stdin: the child's signal to finish. */
  void closeInput() {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Closes stdin (the child's signal to finish), waits up to {@code grace}, then kills it. */
  void stop(Duration grace) {
    closeInput();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }
}
