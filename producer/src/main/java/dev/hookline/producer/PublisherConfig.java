package dev.hookline.producer;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How an {@link EventPublisher} talks to Kafka. Built by the caller with {@link #builder}; {@link
 * #defaults(String)} gives the documented defaults.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param source the CloudEvents {@code source} of every event published, a URI reference
 * @param clientId Kafka {@code client.id}, shows up in broker logs and metrics
 * @param linger how long the producer waits to fill a batch ({@code linger.ms})
 * @param batchSizeBytes upper bound of one batch per partition ({@code batch.size})
 * @param validate whether event data is checked against the catalog before publishing
 * @param kafkaProperties extra producer properties (security, compression...); they cannot turn off
 *     {@code acks=all} or idempotence
 */
public record PublisherConfig(
    String bootstrapServers,
    String source,
    String clientId,
    Duration linger,
    int batchSizeBytes,
    boolean validate,
    Map<String, String> kafkaProperties) {

  public static final String DEFAULT_SOURCE = "urn:hookline:producer";
  public static final String DEFAULT_CLIENT_ID = "hookline-producer";
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
  public static final int DEFAULT_BATCH_SIZE_BYTES = 64 * 1024;

  public PublisherConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (bootstrapServers.isBlank())
      throw new IllegalArgumentException("bootstrapServers must not be blank");
    source = source == null || source.isBlank() ? DEFAULT_SOURCE : source;
    try {
      new URI(source);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("source must be a URI reference, was '" + source + "'", e);
    }
    clientId = clientId == null || clientId.isBlank() ? DEFAULT_CLIENT_ID : clientId;
    linger = linger == null ? DEFAULT_LINGER : linger;
    if (linger.isNegative())
      throw new IllegalArgumentException("linger must not be negative, was " + linger);
    if (batchSizeBytes < 0)
      throw new IllegalArgumentException(
          "batchSizeBytes must not be negative, was " + batchSizeBytes);
    kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
  }

  /** The defaults: source {@value #DEFAULT_SOURCE}, linger 5 ms, 64 KB batches, validation on. */
  public static PublisherConfig defaults(String bootstrapServers) {
    return builder(bootstrapServers).build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(bootstrapServers)
        .source(source)
        .clientId(clientId)
        .batching(linger, batchSizeBytes)
        .validate(validate)
        .kafkaProperties(kafkaProperties);
  }

  /** Builds a {@link PublisherConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private final String bootstrapServers;
    private String source = DEFAULT_SOURCE;
    private String clientId = DEFAULT_CLIENT_ID;
    private Duration linger = DEFAULT_LINGER;
    private int batchSizeBytes = DEFAULT_BATCH_SIZE_BYTES;
    private boolean validate = true;
    private Map<String, String> kafkaProperties = Map.of();

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    /** The CloudEvents {@code source} of every event published, a URI reference. */
    public Builder source(String value) {
      this.source = value;
      return this;
    }

    public Builder clientId(String value) {
      this.clientId = value;
      return this;
    }

    public Builder batching(Duration newLinger, int newBatchSizeBytes) {
      this.linger = newLinger;
      this.batchSizeBytes = newBatchSizeBytes;
      return this;
    }

    public Builder validate(boolean value) {
      this.validate = value;
      return this;
    }

    /** Extra producer properties; they cannot turn off {@code acks=all} or idempotence. */
    public Builder kafkaProperties(Map<String, String> value) {
      this.kafkaProperties = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public PublisherConfig build() {
      return new PublisherConfig(
          bootstrapServers, source, clientId, linger, batchSizeBytes, validate, kafkaProperties);
    }
  }
}
