-- Delivery engine (dispatcher-worker): dead-letter bookkeeping and per-webhook health.

-- When a failed delivery's task was published to hookline.dead-letter; null while still to publish.
alter table deliveries add column dead_lettered_at timestamptz;
-- deliveries that failed before this migration are not dead-lettered retroactively
update deliveries set dead_lettered_at = now() where status = 'failed';
create index deliveries_dead_letter on deliveries (updated_at)
    where status = 'failed' and dead_lettered_at is null;

-- Whether a webhook is failing, and since when: a webhook failing without a success for 5 days is disabled.
create table webhook_health (
    webhook_id      uuid        primary key references webhooks (id) on delete cascade,
    failing_since   timestamptz,               -- first failed attempt after the last success; null while healthy
    last_failure_at timestamptz,
    last_success_at timestamptz,
    updated_at      timestamptz not null default now()
);
create index webhook_health_failing on webhook_health (failing_since) where failing_since is not null;
