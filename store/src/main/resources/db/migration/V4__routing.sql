-- Reconciliation: the outbox relay periodically republishes the webhooks table onto
-- hookline.subscriptions. One row: when the last snapshot was enqueued, so that several admin-api
-- instances take one snapshot per interval between them, not one each.
create table subscription_snapshots (
    singleton   boolean     primary key default true check (singleton),
    taken_at    timestamptz not null,
    records     integer     not null,
    tombstones  integer     not null
);

-- Wakes the outbox relay as soon as a transaction that wrote outbox rows commits (PostgreSQL
-- delivers NOTIFY on commit only, and folds identical ones of one transaction into one).
create function hookline_outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('hookline_outbox', '');
    return null;
end
$$;
create trigger outbox_notify after insert on outbox
    for each statement execute function hookline_outbox_notify();

-- Purging relayed rows (snapshots write one row per webhook each time) scans by publish time.
create index outbox_published on outbox (published_at) where published_at is not null;
