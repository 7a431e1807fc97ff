package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.FieldError;
import dev.hookline.store.CreatedTenantToken;
import dev.hookline.store.Tenant;
import dev.hookline.store.TenantStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant portal's two routes: {@code POST /api/v1/portal/sessions} turns a one-time sign-in
 * code (from {@code POST /tenants/{id}/portal-link}) into a portal session token, and needs no
 * token itself; {@code GET /api/v1/me} tells the web page who its token belongs to.
 */
final class PortalRoutes {
  static final String SESSIONS = "/portal/sessions";
  static final int CODE_MAX = 200;
  private static final Logger log = LoggerFactory.getLogger(PortalRoutes.class);

  private final TenantStore tenants;
  private final int maxBodyBytes;
  private final Duration sessionLength;

  PortalRoutes(TenantStore tenants, AdminApiConfig config) {
    this.tenants = tenants;
    this.maxBodyBytes = config.maxBodyBytes();
    this.sessionLength = config.portalSessionLength();
  }

  void register(RoutesConfig routes, String base) {
    routes.post(base + SESSIONS, this::signIn);
    routes.get(base + "/me", this::me, Caller.Access.TENANT);
  }

  private void signIn(Context ctx) {
    JsonNode body = Requests.jsonObject(ctx, maxBodyBytes);
    List<FieldError> errors = Requests.unknownFields(body, Set.of("code"));
    JsonNode code = body.get("code");
    if (code == null || code.isNull()) errors.add(new FieldError("code", "is required"));
    else if (!code.isTextual() || code.asText().isEmpty() || code.asText().length() > CODE_MAX)
      errors.add(new FieldError("code", "must be the code of a portal sign-in link"));
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    CreatedTenantToken session =
        tenants
            .redeemPortalLink(code.asText(), sessionLength)
            .orElseThrow(
                () ->
                    ApiProblem.invalid(
                        "code",
                        "this sign-in link is unknown, expired or already used; ask for a new one"));
    Tenant tenant =
        tenants
            .find(session.token().tenantId())
            .orElseThrow(() -> ApiProblem.invalid("code", "the tenant of this link is gone"));
    log.info("portal session {} opened for tenant {}", session.token().id(), tenant.id());
    Responses.json(
        ctx,
        201,
        new Views.PortalSession(
            session.secret(), session.token().expiresAt(), Views.tenant(tenant)));
  }

  private void me(Context ctx) {
    switch (Caller.of(ctx)) {
      case Caller.Admin admin -> Responses.json(ctx, 200, new Views.Me("admin", null, false));
      case Caller.Member member -> {
        Tenant tenant = tenants.find(member.tenant()).orElseThrow(ApiProblem::unauthorized);
        Responses.json(ctx, 200, new Views.Me("tenant", Views.tenant(tenant), member.portal()));
      }
    }
  }
}
