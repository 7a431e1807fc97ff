-- An event's identity is (source, id), as CloudEvents defines it (docs/design.md, "Idempotent
-- ingestion"): two events of different sources with the same id are two events rows, and each
-- delivery refers to its own. Rows written before keep their ids: a delivery's id (the key a task
-- on hookline.deliveries carries) does not change, so a task routed before the upgrade still finds
-- its row; each delivery gets the source of the one event its event_id named then.
--
-- Rewrites deliveries once (the new column, filled): on a very large table, plan the time, as for
-- the index builds of V5. Workers of an older version cannot record against this schema (their
-- "on conflict (id)" has no unique index to match): stop them before it runs (docs/operations.md).
alter table deliveries add column event_source text;
update deliveries d set event_source = e.source from events e where e.id = d.event_id;
alter table deliveries alter column event_source set not null;

alter table deliveries drop constraint deliveries_event_id_fkey;
alter table events drop constraint events_pkey;
alter table events add primary key (id, source);
alter table deliveries add constraint deliveries_event_fkey
    foreign key (event_id, event_source) references events (id, source) on delete cascade;
-- deliveries_by_event (event_id) still finds an event's deliveries for the cascade: an id is
-- shared by a handful of sources at most.

-- Retention walks events in (recorded_at, id, source) order.
drop index if exists events_recorded;
create index events_recorded on events (recorded_at, id, source);
