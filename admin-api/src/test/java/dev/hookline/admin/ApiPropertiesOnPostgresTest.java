package dev.hookline.admin;

/**
 * {@link ApiPropertiesTest} on a real PostgreSQL: the in-memory store takes what PostgreSQL refuses
 * (a NUL in a description was a 500 there), so every property holds on both.
 */
@ApiFixtureExtension.OnPostgres
class ApiPropertiesOnPostgresTest extends ApiPropertiesTest {
  ApiPropertiesOnPostgresTest(ApiFixture fixture) {
    super(fixture);
  }
}
