-- A delivery's first attempt is kept in its delivery row (first_* columns, its trigger being the
-- row's trigger): a delivery recorded in one attempt, the common case, writes one row and its index
-- entries instead of two, and one foreign-key check less (docs/benchmarks.md, stop 28). The table of
-- attempts becomes unfolded_attempts (every later attempt; and the first of a delivery whose row a
-- deferral created, or of a row written before this migration: those keep their attempt 1 there,
-- nothing is rewritten). The view delivery_attempts shows both as before: one row per attempt.
alter table deliveries add column first_started_at timestamptz;
alter table deliveries add column first_duration_ms integer;
alter table deliveries add column first_status_code integer;
alter table deliveries add column first_response_excerpt text;
alter table deliveries add column first_error_class text;
alter table deliveries add column first_error_message text;
alter table deliveries add column first_worker_id text;

alter table delivery_attempts rename to unfolded_attempts;

create view delivery_attempts as
    select delivery_id, attempt, trigger, started_at, duration_ms, status_code, response_excerpt,
           error_class, error_message, worker_id
      from unfolded_attempts
    union all
    select id, 1, trigger, first_started_at, first_duration_ms, first_status_code,
           first_response_excerpt, first_error_class, first_error_message, first_worker_id
      from deliveries
     where first_started_at is not null;

-- "hookline status" counts the attempts of the last minute; a BRIN index costs nearly nothing per
-- insert (rows arrive in time order), where a B-tree would add back the entry saved.
create index deliveries_first_started on deliveries using brin (first_started_at);
