package dev.hookline.app.web;

import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/** What the browser tests do on a page: find headings and fields, wait for deliveries, shoot. */
final class Pages {
  static final Duration DELIVERY = Duration.ofSeconds(120);

  private Pages() {}

  /** Clicks Refresh until a delivery with that status is listed; returns the newest such. */
  static Locator waitForDelivery(Page page, String status) {
    Locator delivery = page.locator(".delivery[data-status='" + status + "']").first();
    Locator refresh =
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Refresh"));
    await()
        .atMost(DELIVERY)
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(700))
        .until(
            () -> {
              if (delivery.count() > 0) return true;
              refresh.click();
              page.waitForFunction("b => !b.disabled", refresh.elementHandle());
              return delivery.count() > 0;
            });
    return delivery;
  }

  static Locator heading(Page page, String text) {
    return page.getByRole(
        AriaRole.HEADING, new Page.GetByRoleOptions().setName(text).setExact(true).setLevel(1));
  }

  static Locator label(Page page, String text) {
    return page.getByLabel(text, new Page.GetByLabelOptions().setExact(true));
  }

  static LocatorAssertions expect(Locator locator) {
    return PlaywrightAssertions.assertThat(locator);
  }

  static void shot(Page page, String name) {
    byte[] png = page.screenshot(new Page.ScreenshotOptions().setFullPage(true));
    write(Paths.get("target", "screenshots"), name, png);
    String extra = System.getProperty("hookline.screenshots");
    if (extra != null && !extra.isBlank()) write(Paths.get(extra), name, png);
  }

  static void write(Path dir, String name, byte[] png) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
