package dev.hookline.producer;

import java.time.Instant;

/**
 * An event Kafka has acknowledged.
 *
 * @param id the CloudEvents id ({@code ce_id}); receivers see it as {@code webhook-id}
 * @param type the event type
 * @param topic the topic it was written to, {@code events.<domain>}
 * @param partition the partition it landed on
 * @param offset its offset in that partition
 * @param time the CloudEvents time ({@code ce_time})
 */
public record PublishedEvent(
    String id, String type, String topic, int partition, long offset, Instant time) {}
