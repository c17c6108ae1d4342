-- Bulk imports (modules/imports): a file of intake records (people, accounts, bills) sent at once. The
-- file is parsed when it arrives and each record kept as a line, so a worker (or `settle import`)
-- applies the lines in order through the intake upserts and a process that dies mid-import leaves
-- nothing but pending lines for the next one. One holder at a time per import (a lease), since the
-- lines depend on each other in order (people, then the accounts naming them, then their bills).

create table imports (
  id uuid primary key,
  format text not null check (format in ('ndjson', 'csv')),
  -- The record type of a CSV file (one type per file); null for NDJSON (each line says its own).
  csv_type text check (csv_type in ('people', 'accounts', 'bills')),
  -- queued: waiting for a worker; running: some lines applied; completed: every line applied or
  -- refused; failed: finished with no line applied.
  status text not null check (status in ('queued', 'running', 'completed', 'failed')),
  -- Who sent it (the API key, or `cli`): the actor of every change its lines make.
  actor_type text not null check (actor_type in ('api', 'system')),
  actor_id text not null,
  file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_bytes integer not null,
  total_count integer not null check (total_count >= 0),
  created_count integer not null default 0,
  updated_count integer not null default 0,
  unchanged_count integer not null default 0,
  failed_count integer not null default 0,
  -- The holder of the import while it applies lines: a random token and when its hold lapses. A line
  -- is marked only while the token still holds (a holder that stalled past its lease stops there).
  lease_token uuid,
  lease_until timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  started_at timestamptz,
  finished_at timestamptz,
  check (created_count + updated_count + unchanged_count + failed_count <= total_count),
  check ((status in ('completed', 'failed')) = (finished_at is not null)),
  check ((lease_token is null) = (lease_until is null))
);
-- What the workers claim: imports not finished, oldest first (ids are time-ordered).
create index imports_open_idx on imports (id) where status in ('queued', 'running');

create table import_lines (
  import_id uuid not null references imports (id) on delete cascade,
  -- The line of the file the record starts on (NDJSON), or the row where it ends (CSV; a bill's first row).
  line_no integer not null check (line_no > 0),
  kind text check (kind in ('person', 'account', 'bill')),
  external_id text,
  -- The record as the intake route's body takes it while the line waits; null once it is applied or
  -- refused (the details live on in the record it made, not twice) and for a line refused as it was read.
  record jsonb,
  status text not null check (status in ('pending', 'done', 'failed')),
  result text check (result in ('created', 'updated', 'unchanged')),
  -- The problem+json of a refused line (code, title, detail, errors[]).
  error jsonb,
  updated_at timestamptz not null,
  primary key (import_id, line_no),
  check ((status = 'done') = (result is not null)),
  check ((status = 'failed') = (error is not null)),
  check (status <> 'pending' or record is not null)
);
-- The next lines to apply, in file order.
create index import_lines_pending_idx on import_lines (import_id, line_no) where status = 'pending';
-- The error report, in file order.
create index import_lines_failed_idx on import_lines (import_id, line_no) where status = 'failed';
