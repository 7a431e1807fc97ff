package dev.hookline.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

final class PgWebhookStore implements WebhookStore {
  private final DataSource dataSource;
  private final SecretCipher cipher;

  PgWebhookStore(DataSource dataSource, SecretCipher cipher) {
    this.dataSource = dataSource;
    this.cipher = cipher;
  }

  @Override public CreatedWebhook create(NewWebhook webhook) { throw new UnsupportedOperationException("TODO"); }
  @Override public Optional<Webhook> find(UUID id) { throw new UnsupportedOperationException("TODO"); }
  @Override public List<Webhook> list(UUID after, int limit) { throw new UnsupportedOperationException("TODO"); }
  @Override public Optional<Webhook> update(UUID id, WebhookPatch patch) { throw new UnsupportedOperationException("TODO"); }
  @Override public boolean delete(UUID id) { throw new UnsupportedOperationException("TODO"); }
  @Override public Optional<SigningSecrets> secrets(UUID id) { throw new UnsupportedOperationException("TODO"); }
}
