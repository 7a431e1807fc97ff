package dev.hookline.admin.inspector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsTheSpecTestVector() {
    assertThat(StandardWebhooks.sign(SECRET, ID, "1614265330", BODY))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void acceptsAnyOfSeveralSignaturesAndNothingElse() {
    String good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assertThat(StandardWebhooks.matches(SECRET, ID, "1614265330", BODY, "v1,bm90IGl0 " + good))
        .isTrue();
    assertThat(StandardWebhooks.matches(SECRET, ID, "1614265331", BODY, good))
        .as("other timestamp")
        .isFalse();
    assertThat(StandardWebhooks.matches(SECRET, "msg_other", "1614265330", BODY, good))
        .as("other id")
        .isFalse();
    assertThat(StandardWebhooks.matches("whsec_" + "QUJD", ID, "1614265330", BODY, good))
        .as("other secret")
        .isFalse();
  }
}
