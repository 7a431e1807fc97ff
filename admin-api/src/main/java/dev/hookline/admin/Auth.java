package dev.hookline.admin;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** Bearer token check for {@code /api/v1}. */
final class Auth {
  private static final String PREFIX = "bearer ";

  // Digests of the tokens: comparing fixed-length digests keeps the comparison constant-time
  // whatever the token lengths, so timing reveals neither a token nor its length.
  private final List<byte[]> tokenDigests;

  Auth(List<String> tokens) {
    this.tokenDigests = tokens.stream().map(Auth::digest).toList();
  }

  void require(Context ctx) {
    if (!accepts(ctx.header("Authorization"))) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"hookline\"");
      throw ApiProblem.unauthorized();
    }
  }

  boolean accepts(String authorization) {
    if (authorization == null
        || authorization.length() <= PREFIX.length()
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] presented = digest(authorization.substring(PREFIX.length()).strip());
    boolean match = false;
    for (byte[] token : tokenDigests) {
      match |= MessageDigest.isEqual(presented, token); // no early exit: check every token
    }
    return match;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
