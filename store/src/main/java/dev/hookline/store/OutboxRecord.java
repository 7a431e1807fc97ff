package dev.hookline.store;

/** One row of the outbox: a Kafka record to publish; a null payload is a tombstone. */
public record OutboxRecord(long seq, String topic, String key, String payload) {}
