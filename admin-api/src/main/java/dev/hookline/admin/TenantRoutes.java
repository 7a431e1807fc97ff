package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.TenantIds;
import dev.hookline.store.CreatedTenantToken;
import dev.hookline.store.NewTenant;
import dev.hookline.store.PortalLink;
import dev.hookline.store.Tenant;
import dev.hookline.store.TenantPatch;
import dev.hookline.store.TenantStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/tenants...}: the platform's administration of its tenants, their tokens and portal
 * links. The admin's alone: none of these routes is open to a tenant's token (403).
 */
final class TenantRoutes {
  private static final Logger log = LoggerFactory.getLogger(TenantRoutes.class);

  /** Where the web page signs a portal link in: {@code <public URL>/#/portal/<code>}. */
  static final String PORTAL_PATH = "/#/portal/";

  private final TenantStore tenants;
  private final int maxBodyBytes;
  private final String publicUrl;
  private final Duration linkValidity;

  TenantRoutes(TenantStore tenants, AdminApiConfig config) {
    this.tenants = tenants;
    this.maxBodyBytes = config.maxBodyBytes();
    this.publicUrl = config.publicUrl();
    this.linkValidity = config.portalLinkValidity();
  }

  void register(RoutesConfig routes, String base) {
    routes.post(base + "/tenants", this::create);
    routes.get(base + "/tenants", this::list);
    routes.get(base + "/tenants/{id}", ctx -> Responses.json(ctx, 200, Views.tenant(find(ctx))));
    routes.patch(base + "/tenants/{id}", this::patch);
    routes.delete(base + "/tenants/{id}", this::delete);
    routes.post(base + "/tenants/{id}/tokens", this::createToken);
    routes.get(base + "/tenants/{id}/tokens", this::tokens);
    routes.delete(base + "/tenants/{id}/tokens/{tokenId}", this::revokeToken);
    routes.post(base + "/tenants/{id}/portal-link", this::portalLink);
  }

  private void create(Context ctx) {
    NewTenant tenant = TenantRequests.create(Requests.jsonObject(ctx, maxBodyBytes));
    Tenant created =
        tenants
            .create(tenant)
            .orElseThrow(
                () ->
                    ApiProblem.conflict(
                        "a tenant with id '"
                            + tenant.id()
                            + "' exists; ids are the platform's own"));
    ctx.header("Location", ctx.path() + "/" + created.id());
    Responses.json(ctx, 201, Views.tenant(created));
  }

  private void list(Context ctx) {
    String search = WebhookRoutes.search(ctx.queryParam("q"));
    String after = ctx.queryParam("after");
    if (after != null && !after.isEmpty() && !TenantIds.isValid(after))
      throw ApiProblem.invalid("after", "must be a cursor returned by a previous page");
    int limit = Requests.limit(ctx, WebhookRoutes.DEFAULT_LIMIT, WebhookRoutes.MAX_LIMIT);
    List<Tenant> found =
        tenants.list(
            search == null || search.isBlank() ? null : search.strip(),
            after == null || after.isEmpty() ? null : after,
            limit + 1);
    List<Tenant> page = found.subList(0, Math.min(limit, found.size()));
    String next = found.size() > limit ? page.get(page.size() - 1).id() : null;
    Responses.json(ctx, 200, new Views.Page<>(page.stream().map(Views::tenant).toList(), next));
  }

  private void patch(Context ctx) {
    String id = pathId(ctx);
    TenantPatch patch = TenantRequests.patch(Requests.jsonObject(ctx, maxBodyBytes));
    Tenant tenant =
        (patch.isEmpty() ? tenants.find(id) : tenants.update(id, patch))
            .orElseThrow(() -> notFound(id));
    Responses.json(ctx, 200, Views.tenant(tenant));
  }

  private void delete(Context ctx) {
    String id = pathId(ctx);
    if (!tenants.delete(id)) throw notFound(id);
    log.info("tenant {} deleted with its webhooks and tokens", id);
    ctx.status(204);
  }

  private void createToken(Context ctx) {
    String id = pathId(ctx);
    noFields(Requests.optionalJsonObject(ctx, maxBodyBytes));
    CreatedTenantToken created = tenants.createToken(id).orElseThrow(() -> notFound(id));
    log.info("token {} created for tenant {}", created.token().id(), id);
    Responses.json(ctx, 201, Views.createdToken(created));
  }

  private void tokens(Context ctx) {
    Tenant tenant = find(ctx);
    Responses.json(
        ctx,
        200,
        new Views.Page<>(tenants.tokens(tenant.id()).stream().map(Views::token).toList(), null));
  }

  private void revokeToken(Context ctx) {
    String id = pathId(ctx);
    String tokenId = ctx.pathParam("tokenId");
    if (!tenants.revokeToken(id, tokenId))
      throw ApiProblem.notFound("tenant '" + id + "' has no token '" + tokenId + "'");
    log.info("token {} of tenant {} revoked", tokenId, id);
    ctx.status(204);
  }

  private void portalLink(Context ctx) {
    String id = pathId(ctx);
    noFields(Requests.optionalJsonObject(ctx, maxBodyBytes));
    PortalLink link = tenants.createPortalLink(id, linkValidity).orElseThrow(() -> notFound(id));
    String base = publicUrl.isEmpty() ? ctx.scheme() + "://" + ctx.host() : publicUrl;
    Responses.json(
        ctx, 201, new Views.PortalLinkJson(base + PORTAL_PATH + link.code(), link.expiresAt()));
  }

  private Tenant find(Context ctx) {
    String id = pathId(ctx);
    return tenants.find(id).orElseThrow(() -> notFound(id));
  }

  /** A tenant id in the path; one that cannot exist is as unknown as a missing one: 404. */
  private static String pathId(Context ctx) {
    String raw = ctx.pathParam("id");
    if (!TenantIds.isValid(raw)) throw notFound(raw);
    return raw;
  }

  private static void noFields(JsonNode body) {
    List<FieldError> unknown = new ArrayList<>(Requests.unknownFields(body, Set.of()));
    if (!unknown.isEmpty()) throw ApiProblem.invalid(unknown);
  }

  static ApiProblem notFound(String id) {
    return ApiProblem.notFound("no tenant with id '" + id + "'");
  }
}
