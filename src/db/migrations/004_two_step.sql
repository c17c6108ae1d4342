-- Optional two-step verification (TOTP, RFC 6238) with single-use recovery codes, and step-up:
-- a session proves the second factor again before wallet changes.

alter table members add column totp_secret_enc text;
alter table members add column totp_pending_secret_enc text;
alter table members add column totp_enabled_at timestamptz;
-- The last accepted 30-second step: a code is never accepted twice.
alter table members add column totp_last_step bigint;

create table member_recovery_codes (
  member_id uuid not null references members (id),
  code_hash text not null,
  used_at timestamptz,
  primary key (member_id, code_hash)
);

-- A password was right but the second factor is still to come: a short-lived, single-use challenge.
create table member_sign_in_challenges (
  token_hash text primary key,
  member_id uuid not null references members (id),
  plan_type text check (plan_type in ('individual_family', 'employer_group')),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  attempts integer not null default 0
);

alter table member_sessions add column stepped_up_at timestamptz;
