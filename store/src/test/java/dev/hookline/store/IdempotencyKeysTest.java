package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The idempotency keys of POST /events on a real PostgreSQL. */
class IdempotencyKeysTest {
  private static Database db;
  private static IdempotencyKeys keys;

  @BeforeAll
  static void open() {
    db = TestPostgres.freshStore();
    keys = db.idempotencyKeys();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void theFirstRequestHoldsTheKeyUntilItIsAnsweredThenTheSameBodyGetsItsAnswer() {
    String key = key();
    assertThat(keys.claim(key, sha("a"))).isEqualTo(new IdempotencyKeys.Claim.First());
    assertThat(keys.claim(key, sha("a"))).isEqualTo(new IdempotencyKeys.Claim.InProgress());
    keys.complete(key, "evt-1");
    assertThat(keys.claim(key, sha("a"))).isEqualTo(new IdempotencyKeys.Claim.Answered("evt-1"));
    assertThat(keys.claim(key, sha("b"))).isEqualTo(new IdempotencyKeys.Claim.OtherRequest());
  }

  @Test
  void aReleasedKeyIsFreeAgainButAnAnsweredOneIsNot() {
    String key = key();
    assertThat(keys.claim(key, sha("a"))).isInstanceOf(IdempotencyKeys.Claim.First.class);
    keys.release(key);
    assertThat(keys.claim(key, sha("b"))).isInstanceOf(IdempotencyKeys.Claim.First.class);
    keys.complete(key, "evt-2");
    keys.release(key);
    assertThat(keys.claim(key, sha("b"))).isEqualTo(new IdempotencyKeys.Claim.Answered("evt-2"));
  }

  @Test
  void aKeyOlderThanADayAndAFirstRequestAbandonedFiveMinutesAgoAreFreeAgain() throws Exception {
    String old = key();
    String abandoned = key();
    keys.claim(old, sha("a"));
    keys.complete(old, "evt-old");
    keys.claim(abandoned, sha("a"));
    age(old, "25 hours");
    age(abandoned, "6 minutes");
    assertThat(keys.claim(old, sha("other"))).isInstanceOf(IdempotencyKeys.Claim.First.class);
    assertThat(keys.claim(abandoned, sha("a"))).isInstanceOf(IdempotencyKeys.Claim.First.class);

    String recent = key();
    keys.claim(recent, sha("a"));
    age(recent, "4 minutes");
    assertThat(keys.claim(recent, sha("a"))).isInstanceOf(IdempotencyKeys.Claim.InProgress.class);
  }

  @Test
  void expiredKeysAreDeletedAsNewOnesAreClaimed() throws Exception {
    String expired = key();
    keys.claim(expired, sha("a"));
    keys.complete(expired, "evt-x");
    age(expired, "2 days");
    keys.claim(key(), sha("a"));
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("select count(*) from idempotency_keys where key = ?")) {
      ps.setString(1, expired);
      ResultSet rs = ps.executeQuery();
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void ofManyRequestsWithOneKeyAtOnceExactlyOneIsFirst() throws Exception {
    String key = key();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<IdempotencyKeys.Claim>> claims =
          Collections.nCopies(16, () -> keys.claim(key, sha("same")));
      List<IdempotencyKeys.Claim> results = new ArrayList<>();
      for (Future<IdempotencyKeys.Claim> f : pool.invokeAll(claims)) results.add(f.get());
      assertThat(results).filteredOn(r -> r instanceof IdempotencyKeys.Claim.First).hasSize(1);
      assertThat(results)
          .filteredOn(r -> r instanceof IdempotencyKeys.Claim.InProgress)
          .hasSize(15);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void age(String key, String by) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "update idempotency_keys set created_at = now() - ?::interval where key = ?")) {
      ps.setString(1, by);
      ps.setString(2, key);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private static String key() {
    return "key-" + UUID.randomUUID();
  }

  static byte[] sha(String body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
