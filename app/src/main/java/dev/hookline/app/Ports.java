package dev.hookline.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The ports {@code up} is about to listen on, checked before anything starts, so that a taken one
 * is named, with the setting that chooses it and, when the system tells, the process holding it.
 * (Before, a second {@code up} on the same machine got as far as the embedded Kafka broker and
 * stopped with "embedded Kafka fatal error (halt 1): null".)
 */
final class Ports {
  /**
   * @param what the setting and what listens there, e.g. "HOOKLINE_EMBEDDED_DB_PORT, the embedded
   *     PostgreSQL"
   */
  record Wanted(String host, int port, String what) {}

  private Ports() {}

  /**
   * @throws StartupException naming every port of {@code wanted} that cannot be bound now
   */
  static void requireFree(List<Wanted> wanted) {
    List<String> taken = new ArrayList<>();
    for (Wanted w : wanted) {
      if (w.port() == 0 || isFree(w.host(), w.port())) continue;
      taken.add(
          "port "
              + w.port()
              + " ("
              + w.what()
              + ") is in use"
              + holder(w.port()).map(h -> " by " + h).orElse(""));
    }
    if (!taken.isEmpty()) {
      throw new StartupException(
          String.join("; ", taken)
              + ". Is another `hookline up` running? Stop it, or choose other ports.");
    }
  }

  static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * "pid 1234 (java ... up)" for the process listening on {@code port}, from {@code /proc} (Linux);
   * empty when it cannot be known (another OS, or another user's process).
   */
  static Optional<String> holder(int port) {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      inodes.addAll(listeningInodes(Path.of(table), port));
    }
    if (inodes.isEmpty()) return Optional.empty();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        if (holds(process, inodes)) {
          return Optional.of("pid " + process.getFileName() + commandLine(process));
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
    return Optional.empty();
  }

  /** Socket inodes listening on {@code port}: lines "sl local rem st ... uid timeout inode". */
  private static Set<String> listeningInodes(Path table, int port) {
    Set<String> inodes = new HashSet<>();
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    try {
      for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) inodes.add(f[9]);
      }
    } catch (IOException | RuntimeException e) {
      // no /proc here
    }
    return inodes;
  }

  private static boolean holds(Path process, Set<String> inodes) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")
              && inodes.contains(target.substring(8, target.length() - 1))) return true;
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      // another user's process, or gone
    }
    return false;
  }

  private static String commandLine(Path process) {
    try {
      String command =
          new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
              .replace('\u0000', ' ')
              .strip();
      if (command.isEmpty()) return "";
      return " (" + (command.length() > 120 ? command.substring(0, 120) + "..." : command) + ")";
    } catch (IOException e) {
      return "";
    }
  }
}
