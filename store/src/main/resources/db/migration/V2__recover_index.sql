-- POST /webhooks/{id}/recover reads a webhook's failed deliveries in a time window.
create index deliveries_failed on deliveries (webhook_id, created_at) where status = 'failed';
