-- The event data exactly as it was signed and sent: the JSON text of the body's "data". A jsonb
-- column re-serialises (keys reordered, numbers normalised) and refuses the escape \u0000, so a
-- retry's body differed from the first attempt's. New rows keep only this; rows written before
-- keep their jsonb data, read as coalesce(payload, data::text).
alter table events add column payload text;
alter table events alter column data drop not null;
alter table events add constraint events_payload_or_data check (payload is not null or data is not null) not valid;

-- Which attempt a delivery's status follows: the task's attempt number and when the request
-- started. An attempt replayed later (share-group redelivery, a retry timer's lease, two manual
-- retries of one state) moves the status only when it is not older than that one; every request
-- still gets its own delivery_attempts row (attempt = its place in the log), and deliveries.attempts
-- counts them. Null on rows written before: their attempts column stands for the attempt number.
alter table deliveries add column status_attempt integer;
alter table deliveries add column status_started_at timestamptz;
