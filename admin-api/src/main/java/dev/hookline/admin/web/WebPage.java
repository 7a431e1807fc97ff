package dev.hookline.admin.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The admin web page: plain HTML, CSS and JavaScript modules from {@code /web/} on the classpath,
 * served by the admin API itself (no build step, no CDN). {@code GET /} is the page; its assets are
 * under {@code /ui/}. The page talks to {@code /api/v1} with the token the admin signs in with.
 *
 * <p>Plug it in with {@code extraRoutes} of {@code AdminApi}: {@code WebPage.routes()}, or {@code
 * WebPage.routes().andThen(more)}.
 */
public final class WebPage {
  static final String ASSETS = "/ui/";

  /** Every file of the page; an explicit list, so nothing else on the classpath is ever served. */
  static final List<String> FILES =
      List.of(
          "index.html",
          "app.css",
          "favicon.svg",
          "app.js",
          "api.js",
          "ui.js",
          "signin.js",
          "portal.js",
          "webhooks.js",
          "webhook-form.js",
          "filter-editor.js",
          "test-event.js",
          "deliveries.js",
          "events.js",
          "inspector.js");

  // Same origin only: the page loads nothing from elsewhere, and nothing may frame it.
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
          + "form-action 'self'; frame-ancestors 'none'";

  private record Asset(byte[] bytes, String contentType, String etag) {}

  private final Map<String, Asset> assets;

  private WebPage(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /** The page's routes, for {@code AdminApi}'s {@code extraRoutes}; loads the files once, now. */
  public static Consumer<JavalinConfig> routes() {
    WebPage page = new WebPage(load());
    return page::install;
  }

  private void install(JavalinConfig javalin) {
    javalin.routes.get("/", ctx -> serve(ctx, "index.html"));
    javalin.routes.get("/index.html", ctx -> ctx.redirect("/"));
    javalin.routes.get(ASSETS + "{file}", ctx -> serve(ctx, ctx.pathParam("file")));
  }

  private void serve(Context ctx, String name) {
    Asset asset = assets.get(name);
    if (asset == null || name.equals("index.html") && !ctx.path().equals("/")) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such file: " + name);
      return;
    }
    ctx.header("Cache-Control", "no-cache"); // revalidate every time: cheap on 304, never stale
    ctx.header("ETag", asset.etag());
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    if (asset.contentType().startsWith("text/html")) {
      ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      ctx.header("X-Frame-Options", "DENY");
    }
    if (asset.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(asset.contentType()).result(asset.bytes());
  }

  private static Map<String, Asset> load() {
    Map<String, Asset> loaded = new LinkedHashMap<>();
    for (String name : FILES) {
      try (InputStream in = WebPage.class.getResourceAsStream("/web/" + name)) {
        if (in == null)
          throw new IllegalStateException(
              "the web page file /web/" + name + " is missing from the jar");
        byte[] bytes = in.readAllBytes();
        loaded.put(name, new Asset(bytes, contentType(name), etag(bytes)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the web page file " + name, e);
      }
    }
    return Map.copyOf(loaded);
  }

  static String contentType(String name) {
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> "application/octet-stream";
    };
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
