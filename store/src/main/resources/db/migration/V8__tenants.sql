-- Tenants (docs/design.md, "Tenants, filters, idempotency"): the customers of the platform. The id is
-- the platform's own (1 to 64 of A-Z a-z 0-9 . _ : -). A deleted tenant keeps its row (its
-- webhooks' delivery history refers to it until retention); creating the id again revives it,
-- without its old webhooks or tokens.
create table tenants (
    id          text        primary key check (id ~ '^[A-Za-z0-9._:-]{1,64}$'),
    name        text        not null,
    metadata    jsonb       not null default '{}'::jsonb,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    deleted_at  timestamptz
);
create index tenants_created on tenants (created_at, id) where deleted_at is null;

-- A webhook's tenant, fixed at creation; null for a network-wide webhook (the admin's).
alter table webhooks add column tenant_id text references tenants (id);
-- Not partial: listing a tenant's deliveries walks its deleted webhooks too (their history).
create index webhooks_tenant on webhooks (tenant_id, created_at, id) where tenant_id is not null;

-- An event's tenant (the ce_tenant attribute), kept so a retry carries it like the first attempt.
alter table events add column tenant_id text;

-- Tenant tokens: only a SHA-256 of each is stored; the token itself is shown once. 'api' tokens
-- are created by the platform and live until revoked; 'portal' tokens are the sessions a one-time
-- portal link opens, and expire.
create table tenant_tokens (
    id          text        primary key,
    tenant_id   text        not null references tenants (id),
    token_hash  bytea       not null unique,
    kind        text        not null check (kind in ('api', 'portal')),
    created_at  timestamptz not null default now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);
create index tenant_tokens_by_tenant on tenant_tokens (tenant_id, created_at, id);

-- One-time portal sign-in links: a SHA-256 of the code, valid until expires_at, used once.
create table portal_links (
    code_hash   bytea       primary key,
    tenant_id   text        not null references tenants (id),
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz
);
create index portal_links_expires on portal_links (expires_at);
