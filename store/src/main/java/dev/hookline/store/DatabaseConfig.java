package dev.hookline.store;

import java.util.Objects;

/**
 * How to reach PostgreSQL.
 *
 * @param url JDBC URL, e.g. {@code jdbc:postgresql://localhost:5432/hookline}
 * @param user database user
 * @param password database password
 * @param maxPoolSize HikariCP maximum pool size
 */
public record DatabaseConfig(String url, String user, String password, int maxPoolSize) {
  public DatabaseConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (maxPoolSize < 1) throw new IllegalArgumentException("maxPoolSize must be >= 1");
  }
}
