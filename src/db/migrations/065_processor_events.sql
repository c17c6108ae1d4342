-- The processor's events inbox (decision 0040): each event Stripe sends to /webhooks/stripe, stored
-- once by Stripe's event id in the request that receives it (a replay stores nothing new), answered
-- 2xx at once, and looked at later by the worker. An event is never dropped: one Settle does not act on
-- is marked `ignored` with the reason; one about a payment Settle does not know stays `received`
-- (counted and logged by event id and type) and is looked at again later.

create table processor_events (
  -- Stripe's event id (evt_...).
  id text primary key check (char_length(id) between 1 and 255),
  processor text not null check (processor in ('stripe')),
  type text not null check (char_length(type) between 1 and 255),
  -- When the processor made the event (its `created`), and when it reached us.
  created timestamptz not null,
  received_at timestamptz not null,
  -- The event as signed and sent (its body), for the worker that applies it.
  payload jsonb not null,
  -- received: waiting to be applied (or about a payment not known yet); applied: done; ignored: not
  -- acted on (`error` says why); failed: applying it failed for good (`error` says why).
  status text not null check (status in ('received', 'applied', 'ignored', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  -- When the worker looks at a `received` event again (it backs off while the payment is unknown).
  next_attempt_at timestamptz not null,
  applied_at timestamptz,
  error text check (char_length(error) <= 1000),
  check ((status = 'applied') = (applied_at is not null))
);
-- What the worker claims: events still waiting, by when they are due.
create index processor_events_waiting_idx on processor_events (next_attempt_at) where status = 'received';

-- Events name a payment by the processor's id for it (a PaymentIntent id).
create index payments_processor_charge_idx on payments (processor, processor_charge_id)
  where processor_charge_id is not null;
