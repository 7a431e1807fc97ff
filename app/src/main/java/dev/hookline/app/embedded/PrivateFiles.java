package dev.hookline.app.embedded;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Files and directories only their owner may read, from the moment they exist: created with the
 * permissions ({@code rw-------}, {@code rwx------}), not written first and restricted after, so
 * another user of the machine never gets a window to read a token, a key or a password. Where the
 * file system has no POSIX permissions, the owner's defaults apply.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private PrivateFiles() {}

  /**
   * Writes {@code content} to {@code file}: into a new owner-only file beside it, then moved over
   * it, so the file is never readable by others, nor half written.
   */
  public static void write(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp =
        posix(dir)
            ? Files.createTempFile(
                dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(FILE))
            : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(temp, content);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * The trimmed content of {@code file}, or a new value from {@code generator} written there first.
   * An existing file others may read (written by an older Hookline) is made owner-only.
   */
  public static String readOrCreate(Path file, Supplier<String> generator) throws IOException {
    if (Files.isRegularFile(file)) {
      restrict(file);
      String value = Files.readString(file).trim();
      if (!value.isEmpty()) return value;
    }
    String value = generator.get();
    write(file, value + "\n");
    return value;
  }

  /** Creates {@code dir} (and its parents) owner-only; an existing directory is left as it is. */
  public static Path createDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) return dir;
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    try {
      FileAttribute<?>[] attributes =
          posix(parent)
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY)}
              : new FileAttribute<?>[0];
      return Files.createDirectory(dir, attributes);
    } catch (FileAlreadyExistsException e) {
      return dir; // created meanwhile
    }
  }

  private static void restrict(Path file) throws IOException {
    if (!posix(file)) return;
    if (!Files.getPosixFilePermissions(file).equals(FILE)) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }

  private static boolean posix(Path path) {
    return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
