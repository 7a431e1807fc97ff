package dev.hookline.store;

/** A webhook with its delivery counters, as lists and detail pages show it. */
public record WebhookListing(Webhook webhook, WebhookStats stats) {}
