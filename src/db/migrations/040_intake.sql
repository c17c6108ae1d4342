-- Intake from the organization's billing system (modules/intake): the organization's own identifier
-- (external_id) on people, accounts and bills, people's language and contact details, the person a
-- bill is for, why a bill was voided, and every version of a bill (append-only).

alter table people
  add column external_id text unique,
  add column preferred_language text check (preferred_language in ('en', 'es')),
  add column email text,
  -- E.164, e.g. +15105550123
  add column phone text,
  -- {line1, line2, city, state, postalCode}
  add column postal_address jsonb,
  add column updated_at timestamptz;

alter table accounts
  add column external_id text unique,
  add column updated_at timestamptz;

alter table bills
  add column external_id text unique,
  add column patient_person_id uuid references people (id),
  add column void_reason text;

-- Every version of a bill from intake: as created, each correction (new content), each adjustment and
-- the void, with the content as it stood after it, so a bill's history can be read back whole.
create table bill_versions (
  id uuid primary key,
  bill_id uuid not null references bills (id),
  account_id uuid not null,
  version integer not null check (version >= 1),
  change text not null check (change in ('created', 'corrected', 'adjusted', 'voided')),
  -- The bill as the billing system sent it (lines included), and the hash a repeated PUT is matched on.
  content jsonb not null,
  content_hash text not null,
  -- What this version changed the bill's amount by, and the amount after it.
  amount_change_cents bigint not null,
  amount_cents bigint not null,
  reason text,
  -- The ledger posting that moved the receivable (null when the amount did not change).
  posting_id uuid references ledger_postings (id),
  actor_type text not null,
  actor_id text,
  created_at timestamptz not null,
  unique (bill_id, version),
  check ((change in ('adjusted', 'voided')) = (reason is not null))
);
create trigger bill_versions_append_only before update or delete on bill_versions
  for each statement execute function forbid_change();
