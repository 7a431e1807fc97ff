package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneLineTest {
  @Test
  void shortPrintableTextIsKeptAsIs() {
    assertThat(OneLine.quote("payment_received")).isEqualTo("'payment_received'");
  }

  @Test
  void controlAndLineSeparatorCharactersAreEscaped() {
    assertThat(OneLine.of("a\nb\rc\td\u0000e\u2028f\u007f", 100))
        .isEqualTo("a\\nb\\rc\\td\\u0000e\\u2028f\\u007f");
  }

  @Test
  void longTextIsCutWithItsLength() {
    assertThat(OneLine.of("x".repeat(5_000), 10)).isEqualTo("xxxxxxxxxx... (5000 chars)");
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String text = "ab\uD83D\uDE00cd"; // a, b, an emoji, c, d
    assertThat(OneLine.of(text, 3)).isEqualTo("ab... (6 chars)");
  }
}
