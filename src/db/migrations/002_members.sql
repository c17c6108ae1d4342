-- Members: the people the organization knows (with their medical record numbers), who is
-- responsible for paying which account, and the portal sign-ins of those who registered.

create table people (
  id uuid primary key,
  region_id text not null,
  medical_record_number text not null unique,
  first_name text not null,
  last_name text not null,
  birth_date date not null,
  created_at timestamptz not null default now()
);

-- The person an account's bills are for (the patient, or the plan's subscriber).
alter table accounts add column person_id uuid references people (id);
create index accounts_person_idx on accounts (person_id);

-- Who pays an account: its adult holder, a parent for a child, a subscriber for a family plan.
create table account_guarantors (
  account_id uuid not null references accounts (id),
  person_id uuid not null references people (id),
  primary key (person_id, account_id)
);

create table members (
  id uuid primary key,
  person_id uuid not null unique references people (id),
  email text not null,
  password_hash text not null,
  preferred_language text not null check (preferred_language in ('en', 'es')),
  email_verified_at timestamptz,
  failed_sign_ins integer not null default 0,
  locked_until timestamptz,
  terms_version text not null,
  terms_accepted_at timestamptz not null,
  password_changed_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index members_email_idx on members (lower(email));

-- Server-side sessions: the cookie holds a random id; only its hash is stored.
create table member_sessions (
  id_hash text primary key,
  member_id uuid not null references members (id),
  csrf_token text not null,
  plan_type text check (plan_type in ('individual_family', 'employer_group')),
  ip text,
  user_agent text,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  idle_expires_at timestamptz not null,
  absolute_expires_at timestamptz not null
);
create index member_sessions_member_idx on member_sessions (member_id);
create index member_sessions_expires_idx on member_sessions (idle_expires_at);

-- Single-use emailed links (email verification, password reset); only hashes are stored.
create table member_tokens (
  token_hash text primary key,
  member_id uuid not null references members (id),
  purpose text not null check (purpose in ('verify_email', 'reset_password')),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index member_tokens_member_idx on member_tokens (member_id, purpose);

-- Credits a member's dashboard shows (ledger lines otherwise have no per-account index).
create index ledger_lines_credit_idx on ledger_lines (account_id) where ledger_account = 'credit';
