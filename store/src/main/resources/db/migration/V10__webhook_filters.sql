-- A webhook's payload filter (docs/design.md, "Payload filters"): the filter's JSON as the admin
-- API validated and wrote it, or null for none. Text, not jsonb: jsonb reorders an object's
-- members, and the order of a filter's clauses decides which failing clause is reported first.
alter table webhooks add column filter text;
