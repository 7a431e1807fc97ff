package dev.hookline.router;

import dev.hookline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's Kafka Streams {@code production.exception.handler} and {@code
 * processing.exception.handler}: an event record whose output cannot be written, or that the router
 * fails on, is remembered in {@link UnwritableRecords} and the task goes on; the aborted
 * transaction is replayed and the record then goes to {@code hookline.invalid-events} with the
 * reason (see {@link UnwritableRecords}). Without it (Kafka Streams' default: fail), the stream
 * thread died, the thread replacing it read the same record and failed the same way, and routing
 * stopped for every event.
 *
 * <p>Public only because Kafka Streams creates it by reflection; configured by {@link Router}.
 */
public final class RouterErrorHandler
    implements ProductionExceptionHandler, ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(RouterErrorHandler.class);

  private UnwritableRecords unwritable = new UnwritableRecords();

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(UnwritableRecords.CONFIG) instanceof UnwritableRecords shared) {
      unwritable = shared;
    }
  }

  @Override
  public ProductionExceptionHandler.Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    // a slow or restarting broker: the task is rebuilt and the same records written again
    if (exception instanceof RetriableException) {
      return ProductionExceptionHandler.Response.retry();
    }
    String position = routedFrom(record, context);
    UnwritableRecords.Failure failure = unwritable.failed(position, record, exception);
    if (failure == null) {
      log.info(
          "The write to {} for the event at {} was aborted with an earlier record's ({}); routed"
              + " as usual when read again",
          record.topic(),
          position,
          exception.getClass().getSimpleName());
      return ProductionExceptionHandler.Response.fail();
    }
    log.warn(
        "Could not write to {} for the event at {}; when read again: {} ({})",
        record.topic(),
        position,
        failure.fallback(),
        failure.reason());
    // Fail, do not resume: under exactly-once the failed write already dooms the transaction.
    // The thread is replaced and reads the record again (Router).
    return ProductionExceptionHandler.Response.fail();
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ProductionExceptionHandler.Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    // byte arrays in and out: nothing to serialise; should it ever happen, refuse the event
    String position = position(context);
    UnwritableRecords.Failure failure = unwritable.failedToRoute(position, exception);
    log.error("Could not serialise the output of the event at {}: {}", position, failure.reason());
    return ProductionExceptionHandler.Response.fail();
  }

  /**
   * An exception while routing a record. One of Kafka's (a send refused because an earlier write of
   * the transaction failed) is not the record's doing; any other is, and the record is refused when
   * read again.
   */
  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    String position = position(context);
    if (fromKafka(exception)) {
      log.warn("Writing for the event at {} failed: {}", position, exception.toString());
    } else {
      UnwritableRecords.Failure failure = unwritable.failedToRoute(position, exception);
      log.error(
          "The router failed on the event at {}; when read again it is refused: {}",
          position,
          failure.reason(),
          exception);
    }
    return ProcessingExceptionHandler.Response.fail();
  }

  private static boolean fromKafka(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
      if (t instanceof KafkaException) return true;
    }
    return false;
  }

  private static String routedFrom(ProducerRecord<byte[], byte[]> record, ErrorHandlerContext c) {
    Header header = record.headers().lastHeader(Topics.ROUTED_FROM_HEADER);
    return header == null ? position(c) : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String position(ErrorHandlerContext context) {
    return UnwritableRecords.position(context.topic(), context.partition(), context.offset());
  }
}
