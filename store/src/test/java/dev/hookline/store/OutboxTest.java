package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboxTest {

  @Test
  void aFailedPublishMarksNothingAndTheRowsComeBackInOrder() throws Exception {
    try (Database db = TestPostgres.freshStore()) {
      for (int i = 0; i < 3; i++) db.webhooks().create(WebhookStoreTest.zapier("payment_received"));

      assertThatThrownBy(
              () ->
                  db.outbox()
                      .relayBatch(
                          10,
                          records -> {
                            throw new IllegalStateException("broker down");
                          }))
          .hasMessage("broker down");

      List<OutboxRecord> relayed = new ArrayList<>();
      assertThat(db.outbox().relayBatch(10, relayed::addAll)).isEqualTo(3);
      assertThat(relayed).extracting(OutboxRecord::seq).isSorted();
      assertThat(db.outbox().relayBatch(10, relayed::addAll)).isZero();
    }
  }

  @Test
  void onlyOneRelayWorksAtATime() throws Exception {
    try (Database db = TestPostgres.freshStore()) {
      db.webhooks().create(WebhookStoreTest.zapier("payment_received"));
      CountDownLatch firstIsPublishing = new CountDownLatch(1);
      CountDownLatch releaseFirst = new CountDownLatch(1);
      AtomicInteger firstCount = new AtomicInteger();
      Thread first =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      firstCount.set(
                          db.outbox()
                              .relayBatch(
                                  10,
                                  records -> {
                                    firstIsPublishing.countDown();
                                    releaseFirst.await(10, TimeUnit.SECONDS);
                                  }));
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
      assertThat(firstIsPublishing.await(10, TimeUnit.SECONDS)).isTrue();

      List<OutboxRecord> second = new ArrayList<>();
      assertThat(db.outbox().relayBatch(10, second::addAll))
          .as("lock held by the first relay")
          .isZero();
      assertThat(second).isEmpty();

      releaseFirst.countDown();
      first.join();
      assertThat(firstCount.get()).isEqualTo(1);
      assertThat(db.outbox().relayBatch(10, second::addAll)).isZero();
    }
  }
}
