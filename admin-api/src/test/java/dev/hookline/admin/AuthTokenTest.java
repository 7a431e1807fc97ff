package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.store.InMemoryStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Auth#caller}'s admin tokens: exactly the configured tokens are the admin, whatever their
 * lengths and characters, and nothing close to one is (written at stop 31 for a change of the
 * comparison that was measured and reverted; it holds for the SHA-256 comparison kept).
 */
class AuthTokenTest {
  private static final String SHORT = "a";
  private static final String LONG =
      "kept-token-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String UNICODE = "tøken-ü-中-😀";
  private final Auth auth =
      new Auth(List.of(SHORT, LONG, UNICODE), new InMemoryStore().tenants(), List.of());

  @ParameterizedTest
  @ValueSource(strings = {SHORT, LONG, UNICODE})
  void eachConfiguredTokenIsTheAdmin(String token) {
    assertThat(auth.caller("Bearer " + token)).containsInstanceOf(Caller.Admin.class);
    assertThat(auth.caller("bearer   " + token + "  ")).containsInstanceOf(Caller.Admin.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "b",
        "A",
        "aa",
        "kept-token-",
        LONG + "b",
        "x" + LONG,
        "tøken-ü-中",
        "token-u-中-😀",
        "a a",
        "a,a",
        "\u0000",
        "a\u0000"
      })
  void nothingCloseToATokenIs(String token) {
    assertThat(auth.caller("Bearer " + token)).isEmpty();
  }

  @Test
  void theSecondOfTwoTokensMatchesAfterTheFirstWasTried() {
    assertThat(auth.caller("Bearer " + LONG + "x")).isEmpty();
    assertThat(auth.caller("Bearer " + LONG)).containsInstanceOf(Caller.Admin.class);
    assertThat(auth.caller("Bearer " + SHORT)).containsInstanceOf(Caller.Admin.class);
    assertThat(auth.caller("Bearer " + LONG.substring(1))).isEmpty();
  }

  @Test
  void noTokenOrAnotherSchemeIsNoOne() {
    assertThat(auth.caller(null)).isEmpty();
    assertThat(auth.caller("Bearer ")).isEmpty();
    assertThat(auth.caller("Bearer    ")).isEmpty();
    assertThat(auth.caller("Basic " + SHORT)).isEmpty();
    assertThat(auth.caller(SHORT)).isEmpty();
  }
}
