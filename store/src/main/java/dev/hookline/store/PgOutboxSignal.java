package dev.hookline.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the channel the V4 migration's outbox trigger notifies; holds one pooled connection.
 */
final class PgOutboxSignal implements OutboxSignal {
  static final String CHANNEL = "hookline_outbox";
  private static final Logger log = LoggerFactory.getLogger(PgOutboxSignal.class);

  private final DataSource dataSource;
  private Connection connection;
  private PGConnection listening;
  private boolean warned;

  PgOutboxSignal(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public synchronized boolean await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (listening == null) listen();
      int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      PGNotification[] notifications = listening.getNotifications(millis);
      warned = false;
      return notifications != null && notifications.length > 0;
    } catch (SQLException | RuntimeException e) {
      if (!warned)
        log.warn(
            "outbox notifications unavailable, polling only until they are back: {}", e.toString());
      warned = true;
      closeConnection();
      LockSupport.parkNanos(Math.max(0, deadline - System.nanoTime()));
      return false;
    }
  }

  private void listen() throws SQLException {
    connection = dataSource.getConnection();
    connection.setAutoCommit(true);
    try (Statement s = connection.createStatement()) {
      s.execute("listen " + CHANNEL);
    }
    listening = connection.unwrap(PGConnection.class);
  }

  @Override
  public synchronized void close() {
    closeConnection();
  }

  private void closeConnection() {
    listening = null;
    if (connection == null) return;
    try {
      connection.close();
    } catch (SQLException ignored) {
      // the connection is going away either way
    }
    connection = null;
  }
}
