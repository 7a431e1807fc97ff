package dev.hookline.admin.inspector;

import dev.hookline.store.CreatedWebhook;
import dev.hookline.store.NewWebhook;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookPatch;
import dev.hookline.store.WebhookStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Just enough of a {@link WebhookStore} for the inspector: list and secrets. */
final class InMemoryWebhooks implements WebhookStore {
  private final List<Webhook> webhooks = new ArrayList<>();
  private final Map<UUID, SigningSecrets> secrets = new ConcurrentHashMap<>();

  synchronized Webhook add(String name, String url, SigningSecrets secret) {
    UUID id = new UUID(0x0190000000007000L, webhooks.size() + 1L);
    Instant now = Instant.now();
    Webhook webhook =
        new Webhook(
            id, 1, name, url, "", List.of("*"), true, null, null, 15, null, Map.of(), now, now);
    webhooks.add(webhook);
    secrets.put(id, secret);
    return webhook;
  }

  @Override
  public synchronized List<Webhook> list(UUID after, int limit) {
    int from = 0;
    if (after != null) {
      while (from < webhooks.size() && !webhooks.get(from).id().equals(after)) from++;
      from++;
    }
    return List.copyOf(
        webhooks.subList(Math.min(from, webhooks.size()), Math.min(from + limit, webhooks.size())));
  }

  @Override
  public Optional<SigningSecrets> secrets(UUID id) {
    return Optional.ofNullable(secrets.get(id));
  }

  @Override
  public CreatedWebhook create(NewWebhook webhook) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<Webhook> find(UUID id) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<Webhook> update(UUID id, WebhookPatch patch) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean delete(UUID id) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<dev.hookline.store.WebhookListing> list(
      dev.hookline.store.WebhookQuery query, UUID after, int limit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<dev.hookline.store.WebhookListing> findListing(UUID id) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<CreatedWebhook> rotateSecret(UUID id) {
    throw new UnsupportedOperationException();
  }
}
