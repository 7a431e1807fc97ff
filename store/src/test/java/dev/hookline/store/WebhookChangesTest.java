package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Secret rotation, re-enabling a disabled webhook and resetting the retry schedule. */
class WebhookChangesTest {
  private static Database db;
  private static WebhookStore webhooks;

  @BeforeAll
  static void open() {
    db = TestPostgres.freshStore();
    webhooks = db.webhooks();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void rotatingKeepsThePreviousSecretSigningFor24Hours() {
    CreatedWebhook created = webhooks.create(WebhookStoreTest.zapier("payment_received"));
    UUID id = created.webhook().id();

    CreatedWebhook rotated = webhooks.rotateSecret(id).orElseThrow();

    assertThat(rotated.secret()).startsWith("whsec_").isNotEqualTo(created.secret());
    assertThat(rotated.webhook().version()).isEqualTo(2);
    SigningSecrets secrets = webhooks.secrets(id).orElseThrow();
    assertThat(secrets.current()).isEqualTo(rotated.secret());
    assertThat(secrets.previous()).isEqualTo(created.secret());
    assertThat(secrets.previousExpiresAt())
        .isEqualTo(rotated.webhook().updatedAt().plus(WebhookStore.PREVIOUS_SECRET_GRACE));
    Instant now = Instant.now();
    assertThat(secrets.activeAt(now)).containsExactly(rotated.secret(), created.secret());
    assertThat(secrets.activeAt(now.plus(WebhookStore.PREVIOUS_SECRET_GRACE).plusSeconds(60)))
        .containsExactly(rotated.secret());

    CreatedWebhook again = webhooks.rotateSecret(id).orElseThrow();
    SigningSecrets after = webhooks.secrets(id).orElseThrow();
    assertThat(after.current()).isEqualTo(again.secret());
    assertThat(after.previous()).as("only one previous secret is kept").isEqualTo(rotated.secret());
  }

  @Test
  void rotatingWritesTheRoutingRecordWithoutTheSecret() throws Exception {
    Database own = TestPostgres.freshStore();
    try (own) {
      UUID id = own.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
      CreatedWebhook rotated = own.webhooks().rotateSecret(id).orElseThrow();
      List<OutboxRecord> relayed = new ArrayList<>();
      while (own.outbox().relayBatch(100, relayed::addAll) > 0) {
        // drain
      }
      assertThat(relayed).hasSize(2);
      assertThat(Json.fromBytes(relayed.get(1).payload().getBytes(), Subscription.class).version())
          .isEqualTo(2);
      assertThat(relayed.get(1).payload()).doesNotContain(rotated.secret().substring(6));
    }
  }

  @Test
  void rotatingAnUnknownOrDeletedWebhookIsEmpty() {
    assertThat(webhooks.rotateSecret(UUID.randomUUID())).isEmpty();
    UUID id = webhooks.create(WebhookStoreTest.zapier("payment_received")).webhook().id();
    webhooks.delete(id);
    assertThat(webhooks.rotateSecret(id)).isEmpty();
  }

  @Test
  void activatingADisabledWebhookClearsTheDisabledState() throws Exception {
    UUID id = webhooks.create(WebhookStoreTest.zapier("payment_received")).webhook().id();
    disable(id);
    assertThat(webhooks.find(id).orElseThrow().routable()).isFalse();

    Webhook renamed = webhooks.update(id, patchName("still disabled")).orElseThrow();
    assertThat(renamed.disabledAt()).as("other changes leave it disabled").isNotNull();
    Webhook paused = webhooks.update(id, activePatch(false)).orElseThrow();
    assertThat(paused.disabledAt()).isNotNull();

    Webhook enabled = webhooks.update(id, activePatch(true)).orElseThrow();
    assertThat(enabled.disabledAt()).isNull();
    assertThat(enabled.disabledReason()).isNull();
    assertThat(enabled.active()).isTrue();
    assertThat(enabled.routable()).isTrue();
  }

  @Test
  void theRetryScheduleCanBeSetAndResetToTheDefault() {
    NewWebhook custom =
        TestWebhooks.newWebhook()
            .name("c")
            .url("https://example.com/c")
            .events("*")
            .retrySchedule(List.of(5, 60))
            .build();
    UUID id = webhooks.create(custom).webhook().id();

    Webhook kept = webhooks.update(id, patchName("renamed")).orElseThrow();
    assertThat(kept.retrySchedule()).containsExactly(5, 60);
    Webhook changed = webhooks.update(id, withSchedule(List.of(1, 2, 3))).orElseThrow();
    assertThat(changed.retrySchedule()).containsExactly(1, 2, 3);
    Webhook reset =
        webhooks.update(id, WebhookPatch.empty().withRetryScheduleReset()).orElseThrow();
    assertThat(reset.retrySchedule()).isNull();
    assertThat(reset.version()).isEqualTo(changed.version() + 1);
  }

  @Test
  void theBuilderKeepsTheLastOfSettingAndResettingAField() {
    WebhookPatch reset =
        WebhookPatch.builder().retrySchedule(List.of(5)).resetRetrySchedule().build();
    assertThat(reset.resetRetrySchedule()).isTrue();
    assertThat(reset.retrySchedule()).isEmpty();
    WebhookPatch set = reset.toBuilder().retrySchedule(List.of(7)).build();
    assertThat(set.resetRetrySchedule()).isFalse();
    assertThat(set.retrySchedule()).contains(List.of(7));
    WebhookPatch unlimited = WebhookPatch.empty().withRateLimit(10).withRateLimit(null);
    assertThat(unlimited.rateLimit()).isEmpty();
    assertThat(unlimited.clearRateLimit()).isTrue();
    assertThat(set.toBuilder().build()).isEqualTo(set);
  }

  @Test
  void aPatchCannotBothSetAndResetTheSchedule() {
    assertThat(withSchedule(List.of(1)).withRetryScheduleReset().retrySchedule()).isEmpty();
    assertThatThrownBy(
            () ->
                new WebhookPatch(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(List.of(1)),
                    Optional.empty(),
                    true,
                    Optional.empty(),
                    false,
                    Optional.empty(),
                    false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(WebhookPatch.empty().isEmpty()).isTrue();
    assertThat(WebhookPatch.empty().withRetryScheduleReset().isEmpty()).isFalse();
  }

  static void disable(UUID id) throws Exception {
    disable(db, id);
  }

  static void disable(Database database, UUID id) throws Exception {
    try (var c = database.dataSource().getConnection();
        var ps =
            c.prepareStatement(
                "update webhooks set disabled_at = now(), disabled_reason = '410 Gone' where id = ?")) {
      ps.setObject(1, id);
      ps.executeUpdate();
    }
  }

  private static WebhookPatch patchName(String name) {
    return WebhookPatch.builder().name(name).build();
  }

  private static WebhookPatch activePatch(boolean active) {
    return WebhookPatch.builder().active(active).build();
  }

  private static WebhookPatch withSchedule(List<Integer> schedule) {
    return WebhookPatch.builder().retrySchedule(schedule).build();
  }
}
