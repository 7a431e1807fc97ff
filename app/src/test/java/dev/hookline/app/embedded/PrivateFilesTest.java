package dev.hookline.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path dir;

  @Test
  void filesAndDirectoriesAreOwnerOnlyAndExistingFilesAreClosed() throws Exception {
    Path data = PrivateFiles.createDirectory(dir.resolve("data"));
    assertThat(permissions(data)).isEqualTo("rwx------");

    Path token = data.resolve("token");
    assertThat(PrivateFiles.readOrCreate(token, () -> "t1")).isEqualTo("t1");
    assertThat(permissions(token)).isEqualTo("rw-------");
    assertThat(PrivateFiles.readOrCreate(token, () -> "t2")).as("kept").isEqualTo("t1");

    // written by an older Hookline, readable by everyone: closed when read
    Path key = data.resolve("key");
    Files.writeString(key, "k1\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(PrivateFiles.readOrCreate(key, () -> "k2")).isEqualTo("k1");
    assertThat(permissions(key)).isEqualTo("rw-------");

    Path database = data.resolve("database");
    Files.writeString(database, "old");
    Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-rw-rw-"));
    PrivateFiles.write(database, "url=x\n");
    assertThat(Files.readString(database)).isEqualTo("url=x\n");
    assertThat(permissions(database)).isEqualTo("rw-------");
    try (var left = Files.list(data)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no temporary file left behind")
          .containsExactlyInAnyOrder("token", "key", "database");
    }
  }

  private static String permissions(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
