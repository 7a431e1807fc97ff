package dev.hookline.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM (zonky), shared by every test class; each caller gets a
 * fresh, migrated database of its own so tests never see each other's rows.
 */
public final class TestPostgres {
  private static EmbeddedPostgres postgres;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private TestPostgres() {}

  public static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      postgres.close();
                    } catch (IOException ignored) {
                      // the JVM is exiting
                    }
                  }));
    }
    return postgres;
  }

  /** A new empty database on the shared server, as a config for {@link Database#open}. */
  public static DatabaseConfig freshDatabase() {
    String name = "t" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("create database " + name);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return new DatabaseConfig(server().getJdbcUrl("postgres", name), "postgres", "postgres", 8);
  }

  /** A migrated store on a fresh database, with a random encryption key. */
  public static Database freshStore() {
    return Database.open(freshDatabase(), SecretCipher.fromBase64Key(SecretCipher.generateKey()));
  }
}
