-- Per-webhook rate limits (docs/architecture.md, "Rate limits"): deliveries per second held for all
-- workers together. Null: unlimited, and such a webhook never touches the budget table.
alter table webhooks add column rate_limit int check (rate_limit between 1 and 10000);

-- One row per rate-limited webhook (created on its first lease), a virtual schedule (GCRA):
-- next_free is the time of the next token no worker holds yet, one token every 1/rate seconds;
-- parked_until is the end of the queue of tasks handed to the retry timer for want of a token,
-- so parked tasks come back spread over time instead of all at once. A 429 with Retry-After moves
-- next_free to the end of the pause, which stops every worker. No rows to clean up: one per webhook.
create table webhook_rate_budgets (
    webhook_id   uuid primary key references webhooks (id) on delete cascade,
    next_free    timestamptz not null,
    parked_until timestamptz not null
);

-- A worker's lease, one round trip: up to p_want tokens whose times fall within p_horizon_ms from
-- now; when tokens were wanted that the horizon could not give and the next free one is further
-- than p_park_after_ms away, the rest get places in the parked queue. Times are answered in
-- milliseconds from the database's clock, so the workers' clocks do not matter. A token unused for
-- want of a task may still be taken up to half a second late (a bucket of half a second's tokens):
-- the rate over any window stays within the limit plus that much.
create function webhook_rate_lease(p_webhook uuid, p_limit int, p_want int, p_horizon_ms int,
                                   p_park_after_ms int)
    returns table (first_ms double precision, granted int, next_ms double precision, parked int,
                   park_ms double precision)
    language plpgsql as
$$
declare
    t     timestamptz := clock_timestamp();
    step  interval    := interval '1 second' / p_limit;
    free  timestamptz;
    park  timestamptz;
    n     int;
    p     int         := 0;
begin
    insert into webhook_rate_budgets (webhook_id, next_free, parked_until)
    values (p_webhook, t, t)
    on conflict (webhook_id) do nothing;
    select greatest(b.next_free, t - interval '500 milliseconds'), greatest(b.parked_until, t)
    into free, park
    from webhook_rate_budgets b
    where b.webhook_id = p_webhook for update;
    n := least(p_want, greatest(0, ceil(
            extract(epoch from (t + p_horizon_ms * interval '1 millisecond' - free)) * p_limit)::int));
    if p_want > n and free + n * step >= t + p_park_after_ms * interval '1 millisecond' then
        p := p_want - n;
        park := greatest(park, free + n * step);
    end if;
    update webhook_rate_budgets b
    set next_free    = free + n * step,
        parked_until = case when p > 0 then park + p * step else b.parked_until end
    where b.webhook_id = p_webhook;
    return query select (extract(epoch from free - t) * 1000)::double precision,
                        n,
                        (extract(epoch from free + n * step - t) * 1000)::double precision,
                        p,
                        (extract(epoch from park - t) * 1000)::double precision;
end
$$;
