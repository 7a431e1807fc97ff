package dev.hookline.admin;

/**
 * {@link BadInputTest} on a real PostgreSQL: every bad request is a 4xx problem there too, and
 * leaves every table as it was.
 */
class BadInputOnPostgresTest extends BadInputTest {
  @Override
  StoreBackend backend() {
    return new StoreBackend.Postgres();
  }
}
