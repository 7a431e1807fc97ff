package dev.hookline.admin;

/** {@link IdempotencyKeyTest} on a real PostgreSQL. */
@ApiFixtureExtension.OnPostgres
class IdempotencyKeyOnPostgresTest extends IdempotencyKeyTest {
  IdempotencyKeyOnPostgresTest(ApiFixture fixture) {
    super(fixture);
  }
}
