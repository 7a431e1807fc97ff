package dev.hookline.app.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  public static final String DATABASE = "hookline";
  private static final String USER = "postgres";

  /** initdb runs with trust authentication on loopback; the driver still wants some password. */
  private static final String PASSWORD = "postgres";

  /** zonky's own lock file: held by whichever JVM currently owns the data directory. */
  private static final String ZONKY_LOCK = "epg-lock";

  private static final String PID_FILE = "postmaster.pid";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
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
    try {
      Files.createDirectories(dir);
      clearStalePostmaster(dir);
      postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setRegisterShutdownHook(stopAtJvmExit)
              // zonky turns synchronous_commit off for tests; `up` keeps data across crashes, so
              // keep it on:
              // a worker acknowledges a task only after its attempt is durably recorded
              .setServerConfig("synchronous_commit", "on")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL on " + dir, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot start embedded PostgreSQL on " + dir + ": " + e.getMessage(), e);
    }
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres);
    try {
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

  public String password() {
    return PASSWORD;
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
