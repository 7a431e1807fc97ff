package dev.hookline.app.web;

import static dev.hookline.app.web.Pages.expect;
import static dev.hookline.app.web.Pages.heading;
import static dev.hookline.app.web.Pages.label;
import static dev.hookline.app.web.Pages.shot;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.hookline.app.TestStack;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payload filter editor of the Add/Edit webhook form, in headless Chromium on the real stack:
 * it tests the filter live against the chosen event type's example, shows whether it matches or
 * which clause fails, and saves the filter with the webhook. And the form's rate limit field: a bad
 * value is named beside it, a good one saved, an emptied one removed.
 */
class FilterEditorIT {
  private static Chromium chromium;
  private static TestStack stack;
  private static Api api;
  private Chromium.Tab tab;

  @BeforeAll
  static void start() {
    chromium = Chromium.launch();
    stack = TestStack.get();
    api = new Api(stack);
    PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
  }

  @AfterAll
  static void stop() {
    if (chromium != null) chromium.close();
  }

  @AfterEach
  void noBrowserErrors() {
    if (tab == null) return;
    List<String> errors = List.copyOf(tab.errors());
    tab.close();
    assertThat(errors).as("errors in the browser console").isEmpty();
  }

  @Test
  void theFilterIsTestedLiveAgainstTheExampleAndSavedWithTheWebhook() {
    tab = chromium.open(1440, 900);
    Page page = tab.page();
    page.navigate(stack.baseUrl() + "/");
    // on a busy machine the first page load can take longer than an action's 15 s
    expect(page.getByLabel("Admin token")).isVisible();
    page.getByLabel("Admin token").fill(TestStack.TOKEN);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    expect(heading(page, "Webhooks")).isVisible();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Add New Webhook"))
        .first()
        .click();
    expect(heading(page, "Add New Webhook")).isVisible();
    Locator filter = label(page, "Payload filter");
    Locator result = page.locator(".filter-result");
    expect(result).containsText("No filter");

    page.locator("label.event-option[data-name='payment_received'] input").check();
    // the catalog example pays 31.9 through stripe
    filter.fill("{\"data.payment_total_raw\": {\"$gte\": 100}}");
    expect(result).containsText("Does not match the payment_received example");
    expect(result).containsText("data.payment_total_raw is 31.9, wanted $gte 100");
    shot(page, "filter-no-match");

    filter.fill("{\"data.payment_gateway\": {\"$in\": [\"stripe\", \"paypal\"]}}");
    expect(result).containsText("Matches: the payment_received example would be delivered");

    filter.fill("{\"data.payment_gateway\": {\"$regex\": \"str\"}}");
    expect(result).containsText("Invalid filter: filter[\"data.payment_gateway\"].$regex");
    expect(result).containsText("unknown operator $regex");

    // saving a bad filter: the API's error beside the filter field, nothing created
    String name = "Filtered " + UUID.randomUUID().toString().substring(0, 8);
    label(page, "Name").fill(name);
    label(page, "URL").fill("https://example.com/filtered");
    page.getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add Webhook").setExact(true))
        .click();
    Locator error = page.locator("#" + filter.getAttribute("id") + "-error");
    expect(error).containsText("$regex");
    expect(filter).hasAttribute("aria-invalid", "true");

    filter.fill("{\"data.payment_gateway\": \"stripe\"}");
    expect(result).containsText("Matches");
    page.getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add Webhook").setExact(true))
        .click();
    expect(page.locator(".secret")).containsText("whsec_");
    String id = page.url().replaceAll(".*#/webhooks/", "");
    JsonNode saved = api.call("GET", "/webhooks/" + id, null, 200);
    assertThat(saved.get("filter").toString()).isEqualTo("{\"data.payment_gateway\":\"stripe\"}");
    // the edit page shows it, tested again
    expect(filter).hasValue("{\n  \"data.payment_gateway\": \"stripe\"\n}");
    expect(result).containsText("Matches");

    // emptied and saved: the filter is removed
    filter.fill("");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save changes")).click();
    expect(page.locator("#notices")).containsText("Saved");
    assertThat(api.call("GET", "/webhooks/" + id, null, 200).get("filter").isNull()).isTrue();
  }

  @Test
  void theRateLimitFieldSavesEditsAndRemovesTheLimit() {
    tab = chromium.open(1440, 900);
    Page page = tab.page();
    page.navigate(stack.baseUrl() + "/");
    expect(page.getByLabel("Admin token")).isVisible();
    page.getByLabel("Admin token").fill(TestStack.TOKEN);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    expect(heading(page, "Webhooks")).isVisible();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Add New Webhook"))
        .first()
        .click();
    expect(heading(page, "Add New Webhook")).isVisible();
    label(page, "Name").fill("Limited " + UUID.randomUUID().toString().substring(0, 8));
    label(page, "URL").fill("https://example.com/limited");
    page.locator("label.event-option[data-name='payment_received'] input").check();
    page.locator("details.advanced summary").click();
    Locator limit = label(page, "Rate limit (per second)");
    Locator add =
        page.getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add Webhook").setExact(true));

    limit.fill("0");
    add.click();
    expect(page.locator("#" + limit.getAttribute("id") + "-error")).containsText("1 to 10000");
    expect(limit).hasAttribute("aria-invalid", "true");

    limit.fill("25");
    add.click();
    expect(page.locator(".secret")).containsText("whsec_");
    String id = page.url().replaceAll(".*#/webhooks/", "");
    assertThat(api.call("GET", "/webhooks/" + id, null, 200).get("rateLimit").asInt())
        .isEqualTo(25);
    // the edit page shows it (its advanced settings open), and emptying it removes the limit
    expect(limit).hasValue("25");
    limit.fill("");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save changes")).click();
    expect(page.locator("#notices")).containsText("Saved");
    assertThat(api.call("GET", "/webhooks/" + id, null, 200).get("rateLimit").isNull()).isTrue();
  }
}
