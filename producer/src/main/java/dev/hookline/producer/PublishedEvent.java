package dev.hookline.producer;

import java.time.Instant;

/**
 * An event Kafka has acknowledged.
 *
 * @param id the CloudEvents id ({@code ce_id}); with the source, the event's identity (receivers
 *     see it at the front of {@code webhook-id}: {@link dev.hookline.schemas.EventIdentity})
 * @param type the event type
 * @param topic the topic it was written to, {@code events.<domain>}
 * @param partition the partition it landed on
 * @param offset its offset in that partition
 * @param time the CloudEvents time ({@code ce_time})
 */
public record PublishedEvent(
    String id, String type, String topic, int partition, long offset, Instant time) {}
