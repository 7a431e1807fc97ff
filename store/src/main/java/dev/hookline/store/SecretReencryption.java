package dev.hookline.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-encrypts every stored webhook secret (current and previous, deleted webhooks included) that is
 * not yet sealed by the first configured key, a batch of rows per transaction. Walks the table once
 * in id order, so a row it cannot decrypt is reported and passed, never retried forever. Row locks
 * order it with concurrent edits; a rotation racing it simply writes the current key too.
 */
final class SecretReencryption {
  private static final Logger log = LoggerFactory.getLogger(SecretReencryption.class);
  static final int DEFAULT_BATCH = 100;

  /**
   * What one run did: rows rewritten, and rows no configured key could open (left as they were).
   */
  record Result(int reencrypted, int undecryptable) {}

  private final DataSource dataSource;
  private final SecretCipher cipher;
  private final int batchSize;

  SecretReencryption(DataSource dataSource, SecretCipher cipher, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
    this.dataSource = dataSource;
    this.cipher = cipher;
    this.batchSize = batchSize;
  }

  Result run() {
    int reencrypted = 0;
    int undecryptable = 0;
    UUID after = null;
    while (true) {
      UUID from = after;
      Batch batch = Tx.run(dataSource, c -> batch(c, from));
      reencrypted += batch.reencrypted();
      undecryptable += batch.undecryptable();
      if (batch.last() == null) break;
      after = batch.last();
    }
    if (reencrypted > 0 || undecryptable > 0) {
      log.info(
          "secret re-encryption: {} webhook row(s) re-encrypted with the current key, {} undecryptable",
          reencrypted,
          undecryptable);
    }
    return new Result(reencrypted, undecryptable);
  }

  private record Batch(int reencrypted, int undecryptable, UUID last) {}

  private Batch batch(Connection c, UUID after) throws SQLException {
    byte[] header = cipher.currentHeader();
    List<Row> rows = new ArrayList<>();
    UUID last = null;
    // the id range is walked with keyset paging; only rows with a value not under the current key
    // are locked
    try (PreparedStatement ps =
        c.prepareStatement(
            "select id, secret_enc, previous_secret_enc,"
                + " (substring(secret_enc from 1 for ?) <> ?"
                + "  or (previous_secret_enc is not null and substring(previous_secret_enc from 1 for ?) <> ?)) as stale"
                + " from webhooks"
                + (after == null ? "" : " where id > ?")
                + " order by id limit ?")) {
      ps.setInt(1, header.length);
      ps.setBytes(2, header);
      ps.setInt(3, header.length);
      ps.setBytes(4, header);
      int i = 5;
      if (after != null) ps.setObject(i++, after);
      ps.setInt(i, batchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          last = rs.getObject(1, UUID.class);
          if (rs.getBoolean(4)) rows.add(new Row(last, null, null));
        }
      }
    }
    int done = 0;
    int failed = 0;
    for (Row stale : rows) {
      Row row = lock(c, stale.id());
      if (row == null) continue;
      try {
        byte[] secret =
            cipher.isCurrent(row.secret())
                ? row.secret()
                : cipher.encrypt(cipher.decrypt(row.secret()));
        byte[] previous =
            row.previous() == null || cipher.isCurrent(row.previous())
                ? row.previous()
                : cipher.encrypt(cipher.decrypt(row.previous()));
        try (PreparedStatement ps =
            c.prepareStatement(
                "update webhooks set secret_enc = ?, previous_secret_enc = ? where id = ?")) {
          ps.setBytes(1, secret);
          ps.setBytes(2, previous);
          ps.setObject(3, row.id());
          ps.executeUpdate();
        }
        done++;
      } catch (IllegalStateException e) {
        failed++;
        log.warn("webhook {}: its secret cannot be re-encrypted: {}", row.id(), e.getMessage());
      }
    }
    return new Batch(done, failed, last);
  }

  private static Row lock(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select secret_enc, previous_secret_enc from webhooks where id = ? for update")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Row(id, rs.getBytes(1), rs.getBytes(2)) : null;
      }
    }
  }

  private record Row(UUID id, byte[] secret, byte[] previous) {}
}
