-- Retention (RetentionJob): walk old events in (recorded_at, id) order, and let the cascade from
-- events find their deliveries by event id instead of scanning the whole deliveries table.
-- Not CONCURRENTLY: Flyway waits on itself there. On a very large existing events table, build
-- these by hand with CREATE INDEX CONCURRENTLY before upgrading ("if not exists" then skips them).
create index if not exists events_recorded on events (recorded_at, id);
create index if not exists deliveries_by_event on deliveries (event_id);
