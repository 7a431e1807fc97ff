package dev.hookline.store;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The safe form of an attempt PostgreSQL refused for its data: every attribute it could choke on
 * made storable (an id too long for an index or with control characters becomes {@code
 * unstorable:<sha-256 of the id>}; control characters go, long text is cut, a time out of range is
 * clamped), recorded as {@code failed} with the reason, so the retry timer dead-letters it. The
 * payload is kept as it was sent: as text it is always storable.
 */
final class UnstorableAttempts {
  /** Well under the btree limit of about 2.7 KB, and the router's 256-character id limit. */
  private static final int MAX_ID = 256;

  private static final int MAX_TEXT = 1024;
  private static final int MAX_REASON = 300;
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private UnstorableAttempts() {}

  static AttemptRecord safeCopy(AttemptRecord a, String reason) {
    DeliveryTask t = a.task();
    Event e = t.event();
    Event safe =
        new Event(
            safeId(e.id()),
            text(e.type(), MAX_TEXT),
            text(e.source(), MAX_TEXT),
            clamp(e.time()),
            e.data(),
            e.tenant() == null ? null : text(e.tenant(), 64));
    DeliveryTask task =
        new DeliveryTask(
            t.deliveryId(),
            t.webhookId(),
            t.webhookVersion(),
            t.attempt(),
            t.trigger(),
            safe,
            t.tenant() == null ? null : text(t.tenant(), 64));
    String was =
        a.errorClass() == null
            ? (a.statusCode() == null ? "" : " (the attempt got HTTP " + a.statusCode() + ")")
            : " (the attempt: " + text(a.errorClass(), 64) + ")";
    return new AttemptRecord(
        task,
        a.startedAt(),
        a.durationMs(),
        a.statusCode(),
        a.responseExcerpt(),
        "unstorable",
        reason + was,
        a.workerId() == null ? null : text(a.workerId(), MAX_TEXT),
        DeliveryStatus.FAILED,
        null);
  }

  /** What PostgreSQL said, on one short line (its message may quote the data: cut, no controls). */
  static String reason(SQLException e) {
    SQLException last = e;
    for (SQLException s = e.getNextException(); s != null; s = s.getNextException()) last = s;
    String message =
        last.getMessage() == null ? "" : last.getMessage().lines().findFirst().orElse("");
    return text("SQLState " + last.getSQLState() + ": " + message, MAX_REASON);
  }

  private static String safeId(String id) {
    if (id.length() <= MAX_ID && id.chars().noneMatch(UnstorableAttempts::control)) return id;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return "unstorable:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 is part of every JDK", ex);
    }
  }

  private static String text(String s, int max) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), max));
    s.codePoints()
        .filter(
            cp -> !control(cp) && (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE))
        .limit(max)
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  private static boolean control(int cp) {
    return cp < 0x20 || cp == 0x7f;
  }

  private static Instant clamp(Instant t) {
    if (t.isBefore(EARLIEST)) return EARLIEST;
    return t.isAfter(LATEST) ? LATEST : t;
  }
}
