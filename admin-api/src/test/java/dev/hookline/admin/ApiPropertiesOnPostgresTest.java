package dev.hookline.admin;

/**
 * {@link ApiPropertiesTest} on a real PostgreSQL: the in-memory store takes what PostgreSQL refuses
 * (a NUL in a description was a 500 there), so every property holds on both.
 */
class ApiPropertiesOnPostgresTest extends ApiPropertiesTest {
  @Override
  StoreBackend backend() {
    return new StoreBackend.Postgres();
  }
}
