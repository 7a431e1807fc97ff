package dev.hookline.schemas;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of the event catalog.
 *
 * @param name the slug, e.g. {@code payment_received}; the CloudEvents {@code type}
 * @param title human name, e.g. "Payment Received"
 * @param description when the event fires
 * @param domain the topic domain: events go to {@code events.<domain>}
 * @param schema JSON Schema (draft 2020-12) of the event data
 * @param example a realistic example payload that validates against {@code schema}
 */
public record EventType(
    String name,
    String title,
    String description,
    String domain,
    JsonNode schema,
    JsonNode example) {

  public String topic() {
    return Topics.eventsTopic(domain);
  }
}
