package dev.hookline.app.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL (zonky's bundled binaries, run as a child process) whose data directory
 * survives restarts. Holds the database {@value #DATABASE}.
 *
 * <p>On a machine shared with other users it is theirs to reach only with its password: it listens
 * on loopback only, and every connection, TCP or Unix socket, must authenticate with SCRAM-SHA-256
 * ({@code pg_hba.conf}). The password is generated on the first start and kept in the data
 * directory, readable by its owner only ({@value #PASSWORD_FILE}). (zonky initialises a database
 * that trusts every local user: anyone on the machine could have read the webhooks' secrets, or
 * written delivery tasks the workers would sign.) A data directory made by an older Hookline, which
 * trusted every local user, gets its password and its {@code pg_hba.conf} at its next start.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  public static final String DATABASE = "hookline";
  private static final String USER = "postgres";

  /** Where the generated password is kept, inside the data directory (owner-only). */
  static final String PASSWORD_FILE = "hookline-password";

  private static final String HBA_FILE = "pg_hba.conf";

  /** Every connection authenticates; there is no other way in. */
  static final String HBA =
      """
      # Written by Hookline: every connection, local or over loopback, needs the password
      # (kept in hookline-password, readable by the owner of this directory only).
      local all all scram-sha-256
      host all all 127.0.0.1/32 scram-sha-256
      host all all ::1/128 scram-sha-256
      """;

  /** zonky's own lock file: held by whichever JVM currently owns the data directory. */
  private static final String ZONKY_LOCK = "epg-lock";

  private static final String PID_FILE = "postmaster.pid";

  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  /**
   * Starts PostgreSQL on {@code dataDir} (initialised on first use, kept afterwards) and creates
   * the database {@value #DATABASE} if it is missing.
   *
   * @param port the port, or 0 for a free one
   * @throws IllegalStateException if another process is using {@code dataDir} or PostgreSQL fails
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    return start(dataDir, port, true);
  }

  /**
   * Like {@link #start(Path, int)}.
   *
   * @param stopAtJvmExit stop PostgreSQL from a shutdown hook of its own; false when the caller
   *     stops it with {@link #close()} from its own hook, after what still uses it (shutdown hooks
   *     run all at once, in no order: with its own hook, PostgreSQL would stop while the roles of
   *     {@code up} still write to it)
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port, boolean stopAtJvmExit) {
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65_535)
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    Path dir = dataDir.toAbsolutePath();
    EmbeddedPostgres postgres;
    String password;
    Path initPassword = null;
    try {
      Files.createDirectories(dir);
      clearStalePostmaster(dir);
      boolean fresh = !Files.exists(dir.resolve("postgresql.conf"));
      password = fresh ? null : readPassword(dir);
      if (password == null && !fresh && Files.readString(dir.resolve(HBA_FILE)).equals(HBA)) {
        throw new IllegalStateException(
            "it asks for a password and "
                + dir.resolve(PASSWORD_FILE)
                + " is gone: restore that file, or delete "
                + dir
                + " to start afresh (its data is lost)");
      }
      if (password == null) password = newPassword();
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setRegisterShutdownHook(stopAtJvmExit)
              // zonky turns synchronous_commit off for tests; `up` keeps data across crashes, so
              // keep it on:
              // a worker acknowledges a task only after its attempt is durably recorded
              .setServerConfig("synchronous_commit", "on")
              // loopback only, whatever postgresql.conf says
              .setServerConfig("listen_addresses", "localhost")
              .setConnectConfig("password", password);
      if (fresh) {
        // initdb sets the password and asks for it from the start (zonky's "-A trust" is
        // overridden by the later option): never a moment of trust
        initPassword = Files.createTempFile("hookline-pg", ".pw", ownerOnly());
        Files.writeString(initPassword, password + "\n");
        builder
            .setLocaleConfig("auth", "scram-sha-256")
            .setLocaleConfig("pwfile", initPassword.toString());
      }
      postgres = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL on " + dir, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot start embedded PostgreSQL on " + dir + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(initPassword);
    }
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, password);
    try {
      server.requirePassword(dir);
      server.createDatabaseIfMissing();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    LOG.info("Embedded PostgreSQL ready at {} (data {})", server.jdbcUrl(), dir);
    return server;
  }

  /** JDBC URL of the {@value #DATABASE} database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
  }

  public String user() {
    return USER;
  }

  /** The generated password of the {@code postgres} user, kept in the data directory. */
  public String password() {
    return password;
  }

  public int port() {
    return postgres.getPort();
  }

  /** Stops PostgreSQL ({@code pg_ctl stop -m fast}); the data directory stays. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
    }
  }

  /**
   * Keeps the password in the data directory and makes every connection need it: sets it on the
   * {@code postgres} role and writes {@code pg_hba.conf}, then reloads. A no-op once done.
   */
  private void requirePassword(Path dir) {
    try {
      if (!password.equals(readPassword(dir)))
        PrivateFiles.write(dir.resolve(PASSWORD_FILE), password + "\n");
      Path hba = dir.resolve(HBA_FILE);
      if (Files.exists(hba) && Files.readString(hba).equals(HBA)) return;
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        // the password is base64url: nothing in it to escape
        s.execute("alter role postgres password '" + password + "'");
        PrivateFiles.write(hba, HBA);
        s.execute("select pg_reload_conf()");
      }
      LOG.info("Embedded PostgreSQL on {} now requires its password for every connection", dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the embedded PostgreSQL's password in " + dir, e);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot set the embedded PostgreSQL's password: " + e.getMessage(), e);
    }
  }

  private static String readPassword(Path dir) throws IOException {
    Path file = dir.resolve(PASSWORD_FILE);
    if (!Files.isRegularFile(file)) return null;
    String value = Files.readString(file).trim();
    return value.isEmpty() ? null : value;
  }

  private static String newPassword() {
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  private static FileAttribute<?>[] ownerOnly() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }

  private static void deleteQuietly(Path file) {
    if (file == null) return;
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Could not delete {}", file);
    }
  }

  private void createDatabaseIfMissing() {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      boolean exists;
      try (ResultSet rs =
          s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
        exists = rs.next();
      }
      if (!exists) s.execute("create database " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes a leftover {@code postmaster.pid} harmless. PostgreSQL is stopped from a shutdown hook
   * (zonky's, or its owner's), so only a killed JVM leaves one behind, in one of two shapes: the
   * postmaster still runs (orphaned: nobody holds zonky's lock) and must be stopped, or it is gone
   * and its PID now belongs to another process, which PostgreSQL would mistake for a running
   * server.
   */
  static void clearStalePostmaster(Path dir) throws IOException {
    Path pidFile = dir.resolve(PID_FILE);
    if (!Files.exists(pidFile)) return;
    try (FileOutputStream lockStream = new FileOutputStream(dir.resolve(ZONKY_LOCK).toFile());
        FileLock lock = lockStream.getChannel().tryLock()) {
      if (lock == null) throw inUse(dir);
      Optional<ProcessHandle> owner = readPid(pidFile).flatMap(ProcessHandle::of);
      if (owner.isPresent() && isPostmasterOf(owner.get(), dir)) {
        stopOrphan(owner.get(), dir);
      } else {
        LOG.warn("Removing stale {} in {}", PID_FILE, dir);
        Files.deleteIfExists(pidFile);
      }
    } catch (OverlappingFileLockException e) {
      throw inUse(dir);
    }
  }

  private static void stopOrphan(ProcessHandle postmaster, Path dir) {
    LOG.warn("Stopping orphaned PostgreSQL (pid {}) left running on {}", postmaster.pid(), dir);
    // SIGTERM: a "smart" shutdown; its clients died with the JVM that started it, so it is quick.
    postmaster.destroy();
    try {
      postmaster.onExit().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping orphaned PostgreSQL", e);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "orphaned PostgreSQL (pid "
              + postmaster.pid()
              + ") on "
              + dir
              + " did not stop; stop it by hand",
          e);
    }
  }

  private static Optional<Long> readPid(Path pidFile) throws IOException {
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.isEmpty()) return Optional.empty();
    try {
      return Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A PostgreSQL server started on {@code dir} (not just any process that inherited the PID). */
  private static boolean isPostmasterOf(ProcessHandle process, Path dir) {
    boolean postgres =
        process
            .info()
            .command()
            .map(command -> command.endsWith("/postgres") || command.endsWith("\\postgres.exe"))
            .orElse(false);
    boolean onDir =
        process.info().arguments().map(args -> List.of(args).contains(dir.toString())).orElse(true);
    return postgres && onDir;
  }

  private static IllegalStateException inUse(Path dir) {
    return new IllegalStateException(
        "PostgreSQL data directory " + dir + " is in use by another Hookline process");
  }
}
