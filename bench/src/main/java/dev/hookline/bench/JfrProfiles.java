package dev.hookline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * {@code --jfr}: a JFR recording ("profile" settings) of the bench JVM (broker, router, publisher)
 * and of every helper JVM, one file each, to read with {@code jfr print --events
 * jdk.ExecutionSample} or JDK Mission Control.
 */
final class JfrProfiles {
  private final Path dir;
  private final Recording recording;

  private JfrProfiles(Path dir, Recording recording) {
    this.dir = dir;
    this.recording = recording;
  }

  static JfrProfiles start(Path dir) {
    try {
      Files.createDirectories(dir);
      Recording recording = new Recording(Configuration.getConfiguration("profile"));
      recording.setName("hookline-bench");
      recording.start();
      return new JfrProfiles(dir, recording);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record JFR into " + dir, e);
    } catch (ParseException e) {
      throw new IllegalStateException("the JDK's JFR profile settings do not parse", e);
    }
  }

  List<String> childOptions(String name) {
    return List.of(
        "-XX:StartFlightRecording=filename="
            + dir.resolve(name + ".jfr")
            + ",settings=profile,dumponexit=true");
  }

  void stop() {
    try {
      recording.dump(dir.resolve("bench.jfr"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("bench.jfr"), e);
    } finally {
      recording.close();
    }
  }
}
