-- `hookline status` (app): what it reads that no other table holds.

-- Circuit breakers live in each worker's memory. A worker writes its open and half-open ones here
-- on state changes only (rare, off the delivery path; a close deletes the row), so an operator can
-- see them. No foreign key: a row must never fail a worker's write, and webhooks are soft-deleted.
-- Rows of a worker that died stay behind: readers ignore rows not changed for an hour (an open
-- circuit that still sees traffic changes at least every max cool-down, 10 min by default), and
-- every worker deletes its own rows when it starts and stops, and rows older than a day at start.
create table circuit_breakers (
    webhook_id  uuid        not null,
    worker_id   text        not null,
    state       text        not null check (state in ('open', 'half_open')),
    open_until  timestamptz,
    changed_at  timestamptz not null,
    primary key (webhook_id, worker_id)
);
create index circuit_breakers_changed on circuit_breakers (changed_at);

-- Attempts of the last minute by outcome. Not CONCURRENTLY (Flyway waits on itself there): on a
-- very large existing table, build it by hand with CREATE INDEX CONCURRENTLY before upgrading.
create index if not exists delivery_attempts_started on delivery_attempts (started_at);
