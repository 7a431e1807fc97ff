-- Webhooks: the subscriptions admins manage. Soft-deleted rows keep their history.
create table webhooks (
    id                          uuid primary key,
    name                        text        not null,
    url                         text        not null,
    description                 text        not null default '',
    events                      text[]      not null,
    active                      boolean     not null default true,
    disabled_at                 timestamptz,
    disabled_reason             text,
    deleted_at                  timestamptz,
    version                     bigint      not null default 1,
    secret_enc                  bytea       not null,
    previous_secret_enc         bytea,
    previous_secret_expires_at  timestamptz,
    timeout_seconds             integer     not null default 15 check (timeout_seconds between 1 and 30),
    retry_schedule              integer[],
    headers                     jsonb       not null default '{}'::jsonb,
    created_at                  timestamptz not null default now(),
    updated_at                  timestamptz not null default now()
);
create index webhooks_created on webhooks (created_at, id) where deleted_at is null;

-- Transactional outbox: written in the same transaction as the webhook row, relayed to Kafka in seq order.
create table outbox (
    seq          bigserial   primary key,
    topic        text        not null,
    record_key   text        not null,
    payload      text,                      -- null: a tombstone
    created_at   timestamptz not null default now(),
    published_at timestamptz
);
create index outbox_unpublished on outbox (seq) where published_at is null;

-- Payloads of routed events (retention applies).
create table events (
    id          text        primary key,
    type        text        not null,
    source      text        not null,
    occurred_at timestamptz not null,
    data        jsonb       not null,
    recorded_at timestamptz not null default now()
);

create table deliveries (
    id              uuid        primary key,
    event_id        text        not null references events (id) on delete cascade,
    webhook_id      uuid        not null references webhooks (id),
    webhook_version bigint      not null,
    trigger         text        not null check (trigger in ('event', 'retry', 'manual', 'test')),
    status          text        not null check (status in ('pending', 'succeeded', 'retrying', 'failed', 'cancelled')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz,
    last_status_code integer,
    last_error      text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index deliveries_by_webhook on deliveries (webhook_id, created_at desc, id desc);
create index deliveries_due on deliveries (next_attempt_at) where status = 'retrying';

create table delivery_attempts (
    delivery_id      uuid        not null references deliveries (id) on delete cascade,
    attempt          integer     not null,
    trigger          text        not null check (trigger in ('event', 'retry', 'manual', 'test')),
    started_at       timestamptz not null,
    duration_ms      integer     not null,
    status_code      integer,
    response_excerpt text,
    error_class      text,
    error_message    text,
    worker_id        text,
    primary key (delivery_id, attempt)
);
