package dev.hookline.admin;

import dev.hookline.store.TenantCaller;
import dev.hookline.store.TenantStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Bearer token check for {@code /api/v1}: an admin token (configured) or a tenant token (stored,
 * hashed) makes the request's {@link Caller}; anything else is 401. Then, for a matched route, a
 * tenant's token is refused (403) where the route is not marked {@link Caller.Access#TENANT}.
 */
final class Auth {
  private static final String PREFIX = "bearer ";
  static final String CHALLENGE = "Bearer realm=\"hookline\"";

  // Digests of the tokens: comparing fixed-length digests keeps the comparison constant-time
  // whatever the token lengths, so timing reveals neither a token nor its length.
  private final List<byte[]> tokenDigests;
  private final TenantStore tenants;
  private final List<String> open;

  /**
   * @param open paths under {@code /api/v1} that need no token (the portal sign-in)
   */
  Auth(List<String> tokens, TenantStore tenants, List<String> open) {
    this.tokenDigests = tokens.stream().map(Auth::digest).toList();
    this.tenants = tenants;
    this.open = List.copyOf(open);
  }

  /** The {@code before} filter: who is calling, or 401. */
  void require(Context ctx) {
    if (open.contains(ctx.path())) return;
    Optional<Caller> caller = caller(ctx.header("Authorization"));
    if (caller.isEmpty()) {
      ctx.header("WWW-Authenticate", CHALLENGE);
      throw ApiProblem.unauthorized();
    }
    ctx.attribute(Caller.ATTRIBUTE, caller.get());
  }

  /** The {@code beforeMatched} filter: a tenant's token only where the route allows it. */
  void authorize(Context ctx) {
    if (open.contains(ctx.path())) return;
    if (Caller.of(ctx) instanceof Caller.Member
        && !ctx.routeRoles().contains(Caller.Access.TENANT)) {
      throw adminOnly();
    }
  }

  /** The 403 of a tenant's token on a route of the admin's alone. */
  static ApiProblem adminOnly() {
    return ApiProblem.forbidden(
        "a tenant token cannot use this route; it is for the platform's admin token");
  }

  /** Who the {@code Authorization} header (null: none) names, empty when no one. */
  Optional<Caller> caller(String authorization) {
    if (authorization == null
        || authorization.length() <= PREFIX.length()
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return Optional.empty();
    }
    String token = authorization.substring(PREFIX.length()).strip();
    byte[] presented = digest(token);
    boolean match = false;
    for (byte[] admin : tokenDigests) {
      match |= MessageDigest.isEqual(presented, admin); // no early exit: check every token
    }
    if (match) return Optional.of(new Caller.Admin());
    Optional<TenantCaller> member = tenants.authenticate(token);
    return member.map(m -> new Caller.Member(m.tenantId(), m.tokenId(), m.portal()));
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
