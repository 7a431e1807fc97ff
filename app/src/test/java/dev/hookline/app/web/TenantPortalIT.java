package dev.hookline.app.web;

import static dev.hookline.app.web.Pages.DELIVERY;
import static dev.hookline.app.web.Pages.expect;
import static dev.hookline.app.web.Pages.heading;
import static dev.hookline.app.web.Pages.label;
import static dev.hookline.app.web.Pages.shot;
import static dev.hookline.app.web.Pages.waitForDelivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.hookline.app.TestStack;
import dev.hookline.schemas.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tenant portal in headless Chromium on the whole stack: a platform asks for a one-time link,
 * its customer follows it, adds a webhook (Name, URL, Event), sends a test event and sees a real
 * event of its tenant arrive; the link does not work twice; another tenant's webhook typed into the
 * address bar is "not found". Screenshots as in {@link WebPageIT}.
 */
class TenantPortalIT {
  private static Chromium chromium;
  private static TestStack stack;
  private static Api api;
  private final List<Chromium.Tab> tabs = new ArrayList<>();

  @BeforeAll
  static void start() {
    chromium = Chromium.launch();
    stack = TestStack.get();
    api = new Api(stack);
    PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
  }

  @AfterAll
  static void stop() {
    if (chromium != null) chromium.close();
  }

  @AfterEach
  void noBrowserErrors() {
    List<String> errors = new ArrayList<>();
    for (Chromium.Tab tab : tabs) {
      errors.addAll(tab.errors());
      tab.close();
    }
    assertThat(errors).as("errors in the browser console").isEmpty();
  }

  @Test
  void aCustomerSignsInThroughTheLinkAddsAWebhookAndSeesItsEventsOnly() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String tenant = "shop-" + suffix;
    String other = "rival-" + suffix;
    api.call("POST", "/tenants", tenantJson(tenant, "Acme Shop"), 201);
    api.call("POST", "/tenants", tenantJson(other, "Rival Shop"), 201);
    String othersWebhook =
        api.createWebhook("Rival's hook", "https://rival.example.com/h", "*", tenantField(other))
            .get("id")
            .asText();
    String networkWide =
        api.createWebhook("Network-wide " + suffix, "https://network.example.com/h", "*", null)
            .get("id")
            .asText();
    JsonNode bin = api.createBin(200);
    String link =
        api.call("POST", "/tenants/" + tenant + "/portal-link", null, 201).get("url").asText();
    assertThat(link).startsWith(stack.baseUrl() + "/#/portal/");

    // the customer follows the link: signed in as the tenant, the code gone from the address bar
    Page page = open(1440);
    page.navigate(link);
    expect(heading(page, "Webhooks")).isVisible();
    expect(page.locator(".tenant-label")).hasText("Acme Shop");
    assertThat(page.url()).doesNotContain(link.substring(link.lastIndexOf('/') + 1));
    expect(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Request inspector")))
        .isHidden();
    expect(page.locator("tbody tr")).hasCount(0); // neither the rival's nor the network's webhooks

    // Add New Webhook: Name, URL, Event
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Add New Webhook"))
        .first()
        .click();
    String name = "Shop orders " + suffix;
    label(page, "Name").fill(name);
    label(page, "URL").fill(bin.get("url").asText());
    page.locator("label.event-option[data-name='payment_received'] input").check();
    page.getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add Webhook").setExact(true))
        .click();
    expect(page.locator(".secret")).containsText("whsec_");
    String webhookId = page.url().replaceAll(".*#/webhooks/", "");
    assertThat(webhookId).matches("[0-9a-f-]{36}");
    assertThat(api.call("GET", "/webhooks/" + webhookId, null, 200).get("tenant").asText())
        .isEqualTo(tenant);

    // Send Test Event, from the webhook's page
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send Test Event")).click();
    Locator dialog = page.getByRole(AriaRole.DIALOG);
    dialog
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send test event"))
        .click();
    expect(dialog.locator(".verdict"))
        .containsText(
            "Delivered: HTTP 200",
            new LocatorAssertions.ContainsTextOptions().setTimeout(DELIVERY.toMillis()));
    shot(page, "portal-test-event");
    page.keyboard().press("Escape");

    // a real event of the tenant arrives, and is in the tenant's delivery log
    // (published again until one arrives: one published before the new route reached the router
    // is rightly delivered nowhere)
    List<String> published = new ArrayList<>();
    await()
        .atMost(DELIVERY)
        .pollInterval(java.time.Duration.ofSeconds(2))
        .until(
            () -> {
              published.add(publishFor(tenant));
              String captured =
                  Json.toString(api.call("GET", "/inspector/bins/" + binId(bin), null, 200));
              return published.stream().anyMatch(captured::contains);
            });
    page.navigate(stack.baseUrl() + "/#/webhooks/" + webhookId + "/deliveries");
    Locator delivered = waitForDelivery(page, "succeeded");
    expect(delivered).containsText("payment_received");
    shot(page, "portal-deliveries");

    page.navigate(stack.baseUrl() + "/#/webhooks");
    expect(page.locator("tbody tr")).hasCount(1);
    expect(page.locator("tbody tr").first()).containsText(name);
    shot(page, "portal-webhooks");

    // another tenant's webhook, and a network-wide one, typed into the address bar
    for (String notMine : List.of(othersWebhook, networkWide)) {
      page.navigate(stack.baseUrl() + "/#/webhooks/" + notMine);
      expect(heading(page, "Not found")).isVisible();
      expect(page.locator("main")).not().containsText("Rival");
      page.navigate(stack.baseUrl() + "/#/webhooks/" + notMine + "/deliveries");
      expect(heading(page, "Not found")).isVisible();
    }
    shot(page, "portal-not-found");

    // the link does not work twice, even in another browser
    Page again = open(1440);
    again.navigate(link);
    expect(heading(again, "This sign-in link cannot be used")).isVisible();
    expect(again.locator("main")).containsText("already used");
    assertThat(again.evaluate("() => sessionStorage.length")).isEqualTo(0);
    shot(again, "portal-link-used");
  }

  @Test
  void deletingTheTenantEndsItsPortalSession() {
    String tenant = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    api.call("POST", "/tenants", tenantJson(tenant, "Soon Gone"), 201);
    String link =
        api.call("POST", "/tenants/" + tenant + "/portal-link", null, 201).get("url").asText();
    Page page = open(1440);
    page.navigate(link);
    expect(heading(page, "Webhooks")).isVisible();

    api.call("DELETE", "/tenants/" + tenant, null, 204);
    page.reload();
    expect(page.getByLabel("Admin token")).isVisible();
    expect(page.locator("#notices")).containsText("no longer accepted");
  }

  // ---- helpers ----

  private Page open(int width) {
    Chromium.Tab tab = chromium.open(width, 900);
    tabs.add(tab);
    return tab.page();
  }

  private static String tenantJson(String id, String name) {
    return "{\"id\": " + Json.toString(id) + ", \"name\": " + Json.toString(name) + "}";
  }

  private static String tenantField(String tenant) {
    return "\"tenant\": " + Json.toString(tenant);
  }

  private static String binId(JsonNode bin) {
    String url = bin.get("url").asText();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private static String publishFor(String tenant) {
    JsonNode example = api.call("GET", "/event-types/payment_received", null, 200).get("example");
    return api.call(
            "POST",
            "/events",
            "{\"type\": \"payment_received\", \"tenant\": "
                + Json.toString(tenant)
                + ", \"data\": "
                + Json.toString(example)
                + "}",
            202)
        .get("id")
        .asText();
  }
}
