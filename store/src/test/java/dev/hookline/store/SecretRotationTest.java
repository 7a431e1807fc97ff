package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Key rotation on a real PostgreSQL: old rows stay readable, re-encryption moves them to the new
 * key.
 */
class SecretRotationTest {
  private static final String OLD = SecretCipherTest.OLD;
  private static final String NEW = SecretCipherTest.NEW;

  @Test
  void addTheNewKeyReencryptThenDropTheOldKey() throws Exception {
    DatabaseConfig config = TestPostgres.freshDatabase();
    List<UUID> ids = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    UUID legacy;
    String legacySecret = "whsec_" + "L".repeat(32);
    UUID rotated;
    String previousOfRotated;
    try (Database before = Database.open(config, SecretCipher.fromBase64Key(OLD))) {
      for (int i = 0; i < 250; i++) { // more than two re-encryption batches
        CreatedWebhook w = before.webhooks().create(WebhookStoreTest.zapier("payment_received"));
        ids.add(w.webhook().id());
        secrets.add(w.secret());
      }
      // a row written by the first release, without the key id header
      legacy = ids.get(7);
      setSecret(before, legacy, SecretCipherTest.legacyEncrypt(OLD, legacySecret));
      secrets.set(7, legacySecret);
      // a rotated webhook: both its current and previous secret must move
      rotated = ids.get(3);
      previousOfRotated = secrets.get(3);
      secrets.set(3, before.webhooks().rotateSecret(rotated).orElseThrow().secret());
      // a deleted webhook keeps its (encrypted) secret; it must move too, or dropping the key
      // strands it
      before.webhooks().delete(ids.get(11));
    }

    try (Database both = Database.open(config, SecretCipher.fromBase64Keys(NEW + "," + OLD))) {
      // step 1: the new key first; everything is still readable and new rows use the new key
      assertThat(both.webhooks().secrets(legacy).orElseThrow().current()).isEqualTo(legacySecret);
      assertThat(both.webhooks().secrets(ids.get(0)).orElseThrow().current())
          .isEqualTo(secrets.get(0));
      CreatedWebhook fresh = both.webhooks().create(WebhookStoreTest.zapier("payment_received"));

      // step 2: re-encrypt (twice: the second run finds nothing left)
      assertThat(both.reencryptSecrets()).isEqualTo(250);
      assertThat(both.reencryptSecrets()).isZero();
      assertThat(staleRows(both, SecretCipher.fromBase64Key(NEW))).isZero();
      ids.add(fresh.webhook().id());
      secrets.add(fresh.secret());
    }

    // step 3: the old key dropped; every secret, previous ones included, still decrypts
    try (Database after = Database.open(config, SecretCipher.fromBase64Key(NEW))) {
      for (int i = 0; i < ids.size(); i++) {
        if (i == 11) continue; // deleted: not served, but re-encrypted (staleRows above)
        assertThat(after.webhooks().secrets(ids.get(i)).orElseThrow().current())
            .as("webhook " + i)
            .isEqualTo(secrets.get(i));
      }
      assertThat(after.webhooks().secrets(rotated).orElseThrow().previous())
          .isEqualTo(previousOfRotated);
    }
  }

  @Test
  void aRowNoKeyOpensIsReportedAndPassedNotRetriedForever() throws Exception {
    DatabaseConfig config = TestPostgres.freshDatabase();
    String stranger = SecretCipher.generateKey();
    try (Database db = Database.open(config, SecretCipher.fromBase64Key(OLD))) {
      UUID lost = db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
      db.webhooks().create(WebhookStoreTest.zapier("payment_received"));
      setSecret(db, lost, SecretCipher.fromBase64Key(stranger).encrypt("whsec_lost"));
    }
    Logger logger = (Logger) LoggerFactory.getLogger(SecretReencryption.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try (Database db = Database.open(config, SecretCipher.fromBase64Keys(NEW + "," + OLD))) {
      SecretReencryption.Result result =
          new SecretReencryption(db.dataSource(), SecretCipher.fromBase64Keys(NEW + "," + OLD), 1)
              .run();
      assertThat(result).isEqualTo(new SecretReencryption.Result(1, 1));
      assertThat(logs.list)
          .anySatisfy(
              e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("cannot be re-encrypted");
              });
      assertThat(logs.list)
          .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("whsec_"));
    } finally {
      logger.detachAppender(logs);
    }
  }

  private static void setSecret(Database db, UUID id, byte[] value) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("update webhooks set secret_enc = ? where id = ?")) {
      ps.setBytes(1, value);
      ps.setObject(2, id);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  /** Rows (deleted ones included) with a value the given cipher does not consider current. */
  private static int staleRows(Database db, SecretCipher cipher) throws Exception {
    int stale = 0;
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("select secret_enc, previous_secret_enc from webhooks");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (!cipher.isCurrent(rs.getBytes(1))) stale++;
        byte[] previous = rs.getBytes(2);
        if (previous != null && !cipher.isCurrent(previous)) stale++;
      }
    }
    return stale;
  }
}
