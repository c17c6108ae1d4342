-- Text messages (SMS): an outbox like the email one, delivered by the worker through the configured
-- provider (Twilio) or kept for /dev/texts; and the codes that confirm a member's mobile number.

create table outbox_texts (
  id uuid primary key,
  account_id uuid,
  member_id uuid references members (id),
  kind text not null,
  -- E.164, e.g. +15105550123
  to_number text not null,
  body text not null,
  status text not null check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index outbox_texts_due_idx on outbox_texts (next_attempt_at) where status = 'pending';

-- One live code per member: sending a new one replaces it. Only a keyed hash of the code is kept.
create table member_mobile_codes (
  member_id uuid primary key references members (id) on delete cascade,
  mobile_number text not null,
  code_hash text not null,
  tries_left integer not null check (tries_left >= 0),
  created_at timestamptz not null,
  expires_at timestamptz not null
);
