package dev.hookline.app.web;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Headless Debian Chromium driven by Playwright. Playwright never downloads a browser here: it
 * drives the system's {@code /usr/bin/chromium}; without it the browser tests are skipped.
 */
final class Chromium implements AutoCloseable {
  static final Path EXECUTABLE = Paths.get("/usr/bin/chromium");
  private static final List<String> ARGS =
      List.of(
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-quic",
          "--no-first-run",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage");
  // Chrome logs every 4xx/5xx answer to fetch() as a console error; the page shows those answers
  // to the admin on purpose (e.g. a validation error), so they are not page errors.
  private static final Pattern HTTP_STATUS_LOG =
      Pattern.compile("^Failed to load resource: the server responded with a status of \\d{3}.*");

  private final Playwright playwright;
  private final Browser browser;

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  /** Skips the calling test class (JUnit assumption) when Chromium is not installed. */
  static Chromium launch() {
    assumeTrue(
        Files.isExecutable(EXECUTABLE),
        "browser tests skipped: "
            + EXECUTABLE
            + " is absent (apt-get install chromium); CI installs it");
    Playwright playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      Browser browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(EXECUTABLE)
                      .setHeadless(true)
                      .setArgs(ARGS));
      return new Chromium(playwright, browser);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  /** A fresh browser profile (own session storage) with a page that records its errors. */
  Tab open(int width, int height) {
    BrowserContext context =
        browser.newContext(
            new Browser.NewContextOptions()
                .setViewportSize(width, height)
                .setLocale("en-GB")
                .setTimezoneId("UTC"));
    context.setDefaultTimeout(15_000);
    context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
    Page page = context.newPage();
    List<String> errors = new CopyOnWriteArrayList<>();
    page.onConsoleMessage(
        m -> {
          if ("error".equals(m.type()) && !HTTP_STATUS_LOG.matcher(m.text()).matches())
            errors.add("console: " + m.text());
        });
    page.onPageError(e -> errors.add("uncaught: " + e));
    return new Tab(context, page, errors);
  }

  record Tab(BrowserContext context, Page page, List<String> errors) implements AutoCloseable {
    @Override
    public void close() {
      context.close();
    }
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      playwright.close();
    }
  }
}
