package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ApiFixtureExtension} keeps the test instance's lifecycle: a started API of its own for
 * each test by default, closed before the next one; one API for every test of a {@code PER_CLASS}
 * class.
 */
class ApiFixtureExtensionTest {
  @Nested
  @ExtendWith(ApiFixtureExtension.class)
  class PerTest {
    static final List<ApiFixture> SEEN = new CopyOnWriteArrayList<>();
    private final ApiFixture fixture;

    PerTest(ApiFixture fixture) {
      this.fixture = fixture;
    }

    @RepeatedTest(3)
    void eachTestHasAnAPIOfItsOwnAndTheEarlierOnesAreClosed() {
      assertThat(fixture.get("/health").status()).isEqualTo(200);
      // nothing an earlier test created
      assertThat(fixture.get("/api/v1/webhooks").json().get("data")).isEmpty();
      assertThat(
              fixture
                  .post(
                      "/api/v1/webhooks",
                      "{\"name\":\"a\",\"url\":\"https://example.com/h\",\"events\":[\"*\"]}")
                  .status())
          .isEqualTo(201);
      for (ApiFixture earlier : SEEN) {
        assertThat(earlier).isNotSameAs(fixture);
        assertThatThrownBy(() -> earlier.get("/health")).as("closed").isNotNull();
      }
      SEEN.add(fixture);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @ExtendWith(ApiFixtureExtension.class)
  class PerClass {
    private final ApiFixture fixture;
    private ApiFixture first;

    PerClass(ApiFixture fixture) {
      this.fixture = fixture;
    }

    @RepeatedTest(3)
    void everyTestSharesOneStartedAPI() {
      if (first == null) first = fixture;
      assertThat(fixture).isSameAs(first);
      assertThat(fixture.get("/health").status()).isEqualTo(200);
    }
  }
}
