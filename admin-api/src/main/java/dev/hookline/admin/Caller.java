package dev.hookline.admin;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;

/**
 * Who made a request to {@code /api/v1}, as {@link Auth} found out from its bearer token: the admin
 * (an admin token: everything, every tenant) or a member of one tenant (a tenant token or a portal
 * session: that tenant's webhooks and deliveries, and the catalog).
 */
sealed interface Caller {
  String ATTRIBUTE = "hookline.caller";

  /** An admin token. */
  record Admin() implements Caller {}

  /** A tenant token ({@code portal}: a session opened by a one-time portal link). */
  record Member(String tenant, String tokenId, boolean portal) implements Caller {}

  /**
   * The mark of the routes a tenant's token may use; every other route under {@code /api/v1} is the
   * admin's alone (403 for a tenant). Routes added by others (the request inspector) are the
   * admin's by default.
   */
  enum Access implements RouteRole {
    TENANT
  }

  static Caller of(Context ctx) {
    Caller caller = ctx.attribute(ATTRIBUTE);
    if (caller == null) throw new IllegalStateException("no caller: the route is not behind Auth");
    return caller;
  }

  /**
   * Whether the caller may see a resource of {@code tenant} (null: a network-wide one). A tenant
   * sees its own only; everything else must answer as if it did not exist.
   */
  default boolean sees(String tenant) {
    return switch (this) {
      case Admin admin -> true;
      case Member member -> member.tenant().equals(tenant);
    };
  }

  /**
   * A tenant id no tenant has (ids are 1 to 64 characters, and the database checks it): a list
   * confined to it is empty.
   */
  String NO_TENANT = "";

  /**
   * The tenant a list is confined to: for the admin the one asked for (null: all), for a tenant its
   * own; a tenant asking for another one's gets {@link #NO_TENANT}, an empty list, just as an
   * unknown tenant's list is empty.
   */
  default String confine(String requested) {
    return switch (this) {
      case Admin admin -> requested;
      case Member member ->
          requested == null || requested.equals(member.tenant()) ? member.tenant() : NO_TENANT;
    };
  }
}
