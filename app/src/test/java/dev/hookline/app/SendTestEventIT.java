package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Send Test Event goes through the real pipeline and answers with the attempt's outcome. */
class SendTestEventIT {

  @Test
  void aTestEventReachesAnInactiveWebhookAndTheAnswerCarriesTheOutcome() throws Exception {
    TestStack stack = TestStack.get();
    try (Receiver receiver = new Receiver()) {
      JsonNode created =
          stack.call(
              "POST",
              "/webhooks",
              """
          {"name": "Checked before enabling", "url": "%s", "events": ["site_published"], "active": false}"""
                  .formatted(receiver.url("/site")),
              201);
      String id = created.get("id").asText();

      JsonNode outcome = stack.call("POST", "/webhooks/" + id + "/test", null, 200);

      assertThat(outcome.get("success").asBoolean()).isTrue();
      assertThat(outcome.get("statusCode").asInt()).isEqualTo(200);
      assertThat(outcome.get("responseExcerpt").asText()).isEqualTo("thanks");
      assertThat(receiver.received()).hasSize(1);
      assertThat(receiver.received().get(0).body()).contains("\"type\":\"site_published\"");
      JsonNode webhook = stack.call("GET", "/webhooks/" + id, null, 200);
      assertThat(webhook.get("stats").get("deliveries").asInt())
          .as("test events are not counted")
          .isZero();

      receiver.answer(500);
      JsonNode failed =
          stack.call("POST", "/webhooks/" + id + "/test", "{\"event\": \"payment_failed\"}", 200);
      assertThat(failed.get("success").asBoolean()).isFalse();
      assertThat(failed.get("statusCode").asInt()).isEqualTo(500);
      assertThat(receiver.received()).as("a failed test event is never retried").hasSize(2);
      assertThat(receiver.received().get(1).body()).contains("\"type\":\"payment_failed\"");
    }
  }
}
