package dev.hookline.admin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebPageTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Javalin server;

  @BeforeEach
  void start() {
    server =
        Javalin.create(
                c -> {
                  c.startup.showJavalinBanner = false;
                  c.jetty.host = "127.0.0.1";
                  c.jetty.port = 0;
                  WebPage.routes().accept(c);
                })
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void servesThePageWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = get("/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElseThrow().replace(" ", ""))
        .isEqualTo("text/html;charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
        .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\">");
  }

  @Test
  void servesEveryAssetWithItsTypeAndRevalidatesWithEtags() throws Exception {
    for (String file : WebPage.FILES) {
      if (file.equals("index.html")) continue; // served at / only
      HttpResponse<String> asset = get("/ui/" + file, null);
      assertThat(asset.statusCode()).as(file).isEqualTo(200);
      assertThat(asset.headers().firstValue("content-type").orElseThrow().replace(" ", ""))
          .as(file)
          .isEqualTo(WebPage.contentType(file).replace(" ", ""));
      String etag = asset.headers().firstValue("etag").orElseThrow();
      assertThat(get("/ui/" + file, etag).statusCode()).as(file).isEqualTo(304);
    }
    assertThat(WebPage.contentType("app.js")).startsWith("text/javascript");
  }

  @Test
  void servesNothingElse() throws Exception {
    assertThat(get("/ui/nope.js", null).statusCode()).isEqualTo(404);
    assertThat(get("/ui/..%2Fweb%2Findex.html", null).statusCode()).isEqualTo(404);
    assertThat(get("/ui/index.html", null).statusCode()).isEqualTo(404);
  }

  /** Every file the page refers to (links, scripts, module imports) is in the served list. */
  @Test
  void everyReferencedFileIsServed() throws IOException {
    Pattern reference =
        Pattern.compile("(?:/ui/|from '\\./|import\\('\\./)([a-z-]+\\.(?:js|css|svg))");
    for (String file : WebPage.FILES) {
      if (!file.endsWith(".js") && !file.endsWith(".html")) continue;
      Matcher m = reference.matcher(read(file));
      while (m.find()) assertThat(WebPage.FILES).as("referenced from " + file).contains(m.group(1));
    }
  }

  private static String read(String file) throws IOException {
    try (InputStream in = WebPage.class.getResourceAsStream("/web/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private HttpResponse<String> get(String path, String ifNoneMatch) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (ifNoneMatch != null) request.header("If-None-Match", ifNoneMatch);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
