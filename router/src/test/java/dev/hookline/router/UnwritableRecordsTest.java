package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.router.UnwritableRecords.Fallback;
import dev.hookline.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class UnwritableRecordsTest {
  final UnwritableRecords unwritable = new UnwritableRecords();
  final ProducerRecord<byte[], byte[]> task =
      new ProducerRecord<>(Topics.DELIVERIES, new byte[1], new byte[1]);

  @Test
  void theRecordThatFailedFirstIsBlamedAndTheRecordsAbortedWithItsExceptionAreNot() {
    var refused = new RecordTooLargeException("too large");

    assertThat(unwritable.failed("events.payments-0@4", task, refused).fallback())
        .isEqualTo(Fallback.REFUSE);
    // Kafka fails the records buffered behind it with the same instance
    assertThat(unwritable.failed("events.payments-0@5", task, refused)).isNull();
    assertThat(unwritable.failed("events.payments-1@9", task, refused)).isNull();

    assertThat(unwritable.at("events.payments-0@4")).isNotNull();
    assertThat(unwritable.at("events.payments-0@5")).isNull();
    assertThat(unwritable.at("events.payments-1@9")).isNull();
  }

  @Test
  void aRecordBehindTheBlamedOneThatFailsAgainOnItsOwnIsBlamedThen() {
    unwritable.failed("events.payments-0@4", task, new RecordTooLargeException("first"));
    assertThat(unwritable.failed("events.payments-0@5", task, new RecordTooLargeException("own")))
        .isNotNull();
    assertThat(unwritable.at("events.payments-0@5").fallback()).isEqualTo(Fallback.REFUSE);
  }

  @Test
  void eachFailureOfTheSameRecordGoesOneStepFurtherDown() {
    String at = "events.payments-0@4";
    unwritable.failed(at, task, new RecordTooLargeException("task"));
    var copy = new ProducerRecord<byte[], byte[]>(Topics.INVALID_EVENTS, new byte[1], new byte[1]);
    assertThat(unwritable.failed(at, copy, new RecordTooLargeException("copy")).fallback())
        .isEqualTo(Fallback.NOTE);
    var note = new ProducerRecord<byte[], byte[]>(Topics.INVALID_EVENTS, new byte[1], null);
    assertThat(unwritable.failed(at, note, new RecordTooLargeException("note")).fallback())
        .isEqualTo(Fallback.DROP);
    assertThat(unwritable.at(at).fallback()).isEqualTo(Fallback.DROP);
  }
}
