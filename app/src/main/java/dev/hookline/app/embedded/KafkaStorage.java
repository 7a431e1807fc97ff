package dev.hookline.app.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.common.ShareVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code kafka-storage.sh format} step, done in-process and only once per data directory. */
final class KafkaStorage {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaStorage.class);

  private KafkaStorage() {}

  /**
   * Formats {@code dir} unless it already holds a formatted log directory (then its data is kept).
   */
  static void formatIfNeeded(KafkaConfig config, Path dir) {
    if (Files.exists(dir.resolve("meta.properties"))) return;
    String clusterId = Uuid.randomUuid().toString();
    format(config, dir, EmbeddedKafka.NODE_ID, clusterId);
    LOG.info(
        "Formatted Kafka storage {} (cluster {}, {}={})",
        dir,
        clusterId,
        ShareVersion.FEATURE_NAME,
        ShareVersion.LATEST_PRODUCTION.featureLevel());
  }

  /** Formats {@code dir} as node {@code nodeId} of cluster {@code clusterId}, share groups on. */
  static void format(KafkaConfig config, Path dir, int nodeId, String clusterId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new Formatter()
          .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
          .setNodeId(nodeId)
          .setClusterId(clusterId)
          .setDirectories(List.of(dir.toString()))
          .setMetadataLogDirectory(config.metadataLogDir())
          .setControllerListenerName(EmbeddedKafka.CONTROLLER_LISTENER)
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          // Share groups (the dispatcher's intake) exist only when share.version >= 1 is finalized.
          .setFeatureLevel(ShareVersion.FEATURE_NAME, ShareVersion.LATEST_PRODUCTION.featureLevel())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format Kafka storage in "
              + dir
              + ": "
              + e.getMessage()
              + System.lineSeparator()
              + out.toString(StandardCharsets.UTF_8),
          e);
    }
  }
}
