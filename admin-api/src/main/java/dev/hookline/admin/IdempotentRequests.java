package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import dev.hookline.store.IdempotencyKeys;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Idempotency-Key} of {@code POST /api/v1/events}, as Stripe has it: for 24 hours, the
 * same key and body answer what the first request did and publish nothing; another body is a 409.
 */
final class IdempotentRequests {
  private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

  static final String HEADER = "Idempotency-Key";

  /** Set on an answer repeated from the first request's. */
  static final String REPLAYED_HEADER = "Idempotent-Replayed";

  static final int MAX_LENGTH = 255;

  /** Printable ASCII without spaces: what fits in a header, a log line and an index. */
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1," + MAX_LENGTH + "}");

  static final String RULE =
      "must be 1 to " + MAX_LENGTH + " printable ASCII characters without spaces, e.g. a UUID";

  private IdempotentRequests() {}

  static boolean isValid(String key) {
    return KEY.matcher(key).matches();
  }

  /** The request's key, null without one; a 400 naming the header if it is malformed. */
  static String key(Context ctx) {
    return key(ctx.header(HEADER));
  }

  /** The key of the header as sent, null without one; a 400 naming the header if malformed. */
  static String key(String key) {
    if (key == null) return null;
    if (!isValid(key)) throw ApiProblem.invalid(HEADER, RULE);
    return key;
  }

  /**
   * Takes the key for this body: null if this request is the first and must publish, else the id of
   * the event the first request published. A 409 if the key is another body's, or its first request
   * is still being answered.
   */
  static String claim(IdempotencyKeys keys, String key, JsonNode body) {
    return switch (keys.claim(key, sha256(body))) {
      case IdempotencyKeys.Claim.First first -> null;
      case IdempotencyKeys.Claim.Answered answered -> answered.eventId();
      case IdempotencyKeys.Claim.InProgress inProgress ->
          throw ApiProblem.conflict(
              "a request with this "
                  + HEADER
                  + " is being answered; retry it in a moment to get its answer");
      case IdempotencyKeys.Claim.OtherRequest other ->
          throw ApiProblem.conflict(
              "this "
                  + HEADER
                  + " was used with another request body in the last 24 hours; use a new key for"
                  + " a new event");
    };
  }

  /** After publishing: the event id is the key's answer; without one, the key is free again. */
  static void settle(IdempotencyKeys keys, String key, String eventId) {
    try {
      if (eventId == null) keys.release(key);
      else keys.complete(key, eventId);
    } catch (RuntimeException e) {
      // the answer stands; the key is free again once its first request counts as abandoned
      log.warn("could not record the answer to {} {}: {}", HEADER, key, e.toString());
    }
  }

  /** The body as parsed, so that white space does not make another request. */
  private static byte[] sha256(JsonNode body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Json.toBytes(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
