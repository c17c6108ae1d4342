-- API keys for integrators (modules/api-keys). The key id is public (it is part of the key the
-- integrator holds) and random, so it is the primary key; the secret is kept only as a SHA-256 hash.
create table api_keys (
  id text primary key check (id ~ '^[a-z2-7]{16}$'),
  name text not null check (length(name) between 1 and 100),
  scopes text[] not null,
  -- A key made on a test deployment (PROCESSOR_MODE=test) never works on a live one.
  mode text not null check (mode in ('test', 'live')),
  rate_limit_per_minute integer not null check (rate_limit_per_minute between 1 and 1000000),
  created_at timestamptz not null,
  -- Who made it: `cli` today, a staff member later.
  created_by text not null,
  revoked_at timestamptz
);

-- A key's secrets: the current one (expires_at null) and, after a rotation, the previous ones until
-- their overlap ends. Authentication reads a key's rows by api_key_id and compares each hash in
-- constant time.
create table api_key_secrets (
  id uuid primary key,
  api_key_id text not null references api_keys (id),
  secret_hash text not null unique check (secret_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null,
  expires_at timestamptz,
  -- Written at most once a minute per secret, so an operator sees whether an old secret is still used.
  last_used_at timestamptz
);
create index api_key_secrets_key_idx on api_key_secrets (api_key_id);
