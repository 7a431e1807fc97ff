-- POST /api/v1/events with an Idempotency-Key: the first request's digest and, once it is
-- answered, the id of the event it published. Rows older than a day are free again.
create table idempotency_keys (
    key            text        primary key,
    request_sha256 bytea       not null,
    event_id       text,
    created_at     timestamptz not null default now()
);
create index idempotency_keys_by_age on idempotency_keys (created_at);
