package dev.hookline.admin;

/** {@link IdempotencyKeyTest} on a real PostgreSQL. */
class IdempotencyKeyOnPostgresTest extends IdempotencyKeyTest {
  @Override
  StoreBackend backend() {
    return new StoreBackend.Postgres();
  }
}
