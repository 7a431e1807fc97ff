package dev.hookline.app.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files at the repository root (Dockerfile, docker-compose.yml, docs/), found from the test's
 * working directory.
 */
public final class RepoFiles {
  private RepoFiles() {}

  /**
   * The repository root: the nearest directory, from the working directory up, holding {@code mvnw}
   * and {@code app/}.
   */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("app"))) return d;
    }
    throw new IllegalStateException(
        "no repository root (a directory with mvnw and app/) above " + dir);
  }

  /**
   * The text of a file at {@code relative} to the root; fails naming the file when it is missing.
   */
  public static String read(String relative) {
    Path file = root().resolve(relative);
    if (!Files.isRegularFile(file))
      throw new AssertionError(relative + " is missing at the repository root " + root());
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
