package dev.hookline.admin;

/**
 * {@link BadInputTest} on a real PostgreSQL: every bad request is a 4xx problem there too, and
 * leaves every table as it was.
 */
@ApiFixtureExtension.OnPostgres
class BadInputOnPostgresTest extends BadInputTest {
  BadInputOnPostgresTest(ApiFixture fixture) {
    super(fixture);
  }
}
