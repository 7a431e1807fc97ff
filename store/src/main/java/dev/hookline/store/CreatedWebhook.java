package dev.hookline.store;

/** A webhook just created (or whose secret was just rotated), with the secret shown this once. */
public record CreatedWebhook(Webhook webhook, String secret) {}
