-- Outbound webhooks (Standard Webhooks). Events are written in the transaction of the change they
-- describe; the worker fans each out to the endpoints subscribed to it (one delivery row per event and
-- endpoint) and delivers them with retries, logging every attempt.

create table webhook_events (
  id uuid primary key,
  type text not null,
  -- The account the event concerns, when there is one (every account-scoped table carries it).
  account_id uuid,
  -- The event's `data`, checked against its type's schema when written (modules/webhooks/webhook-events.ts).
  payload jsonb not null,
  created_at timestamptz not null,
  -- Set when the worker has made the event's deliveries; null while it waits to be fanned out.
  fanned_out_at timestamptz
);
-- The fan-out queue: small, since events leave it within a pass.
create index webhook_events_unfanned_idx on webhook_events (id) where fanned_out_at is null;
-- Pruning by age (housekeeping).
create index webhook_events_created_idx on webhook_events (created_at);

create table webhook_endpoints (
  id uuid primary key,
  url text not null,
  description text,
  -- The event types delivered to it (a JSON array of type names); null: every type.
  event_types jsonb,
  -- The signing secret (whsec_…) sealed with DATA_ENCRYPTION_KEY (platform/secrets.ts).
  secret_sealed text not null,
  -- After a rotation, the secret it replaced, still signing beside the new one until it expires.
  previous_secret_sealed text,
  previous_secret_expires_at timestamptz,
  enabled boolean not null default true,
  disabled_reason text check (disabled_reason in ('manual', 'failing', 'gone')),
  disabled_at timestamptz,
  -- The first failed attempt since the last success; null while it answers.
  failing_since timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (enabled = (disabled_reason is null))
);

create table webhook_deliveries (
  id uuid primary key,
  event_id uuid not null references webhook_events (id) on delete cascade,
  endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
  -- An administrator's re-send of the event to the endpoint (replayDelivery), beside its first delivery.
  replay boolean not null default false,
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0,
  -- When a pending delivery is due (or, while a worker holds it, when its claim lapses).
  next_attempt_at timestamptz,
  first_attempt_at timestamptz,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error_kind text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((status = 'pending') = (next_attempt_at is not null))
);
-- Fan-out makes one delivery per event and endpoint, whichever worker does it.
create unique index webhook_deliveries_once_idx on webhook_deliveries (event_id, endpoint_id) where not replay;
-- An event's deliveries, replays included: pruning asks whether any is pending, and deleting an event
-- deletes them.
create index webhook_deliveries_event_idx on webhook_deliveries (event_id);
-- Claims: each endpoint's due deliveries, oldest first.
create index webhook_deliveries_due_idx on webhook_deliveries (endpoint_id, next_attempt_at)
  where status = 'pending';
-- An endpoint's delivery log, newest first.
create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, id);

create table webhook_delivery_attempts (
  id uuid primary key,
  delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
  attempted_at timestamptz not null,
  -- The HTTP status answered; null when there was no answer (timeout, refused, reset).
  status_code integer,
  response_ms integer not null,
  -- The start of the answer's body, for the log (at most 1 KiB).
  response_body text,
  -- null for a 2xx; otherwise why the attempt failed: http_status, redirect, timeout, network,
  -- address_refused, url_refused.
  error_kind text
);
create index webhook_delivery_attempts_delivery_idx on webhook_delivery_attempts (delivery_id, attempted_at);
