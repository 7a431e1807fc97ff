package dev.hookline.store;

import java.sql.SQLException;

/** PostgreSQL could not complete a store operation; nothing of it was written. */
public final class StoreException extends RuntimeException {
  StoreException(SQLException cause) {
    super(
        "database error: " + cause.getMessage() + " (SQLState " + cause.getSQLState() + ")", cause);
  }
}
