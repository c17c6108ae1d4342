-- Each posting's lines must sum to zero. This was a deferred constraint trigger fired once per line
-- at commit (two plpgsql calls and index lookups per payment); an autopay batch writes thousands of
-- lines in one statement, so it is now checked once per statement, over every posting that statement
-- added lines to (all of each posting's lines, not only the new ones). Every writer inserts a posting's
-- lines in one statement (ledger.store insertPosting, the payment phases, the bulk seeds).
drop trigger ledger_lines_balanced on ledger_lines;
drop function ledger_posting_balanced();

create function ledger_postings_balanced() returns trigger language plpgsql as $$
declare
  unbalanced record;
begin
  -- One index lookup per posting (ledger_lines_posting_idx), however large the table.
  select n.posting_id, s.total into unbalanced
  from (select distinct posting_id from new_lines) n,
    lateral (select sum(l.amount_cents) as total from ledger_lines l where l.posting_id = n.posting_id) s
  where s.total <> 0
  limit 1;
  if found then
    raise exception 'ledger posting % does not balance (sum %)', unbalanced.posting_id, unbalanced.total
      using errcode = 'check_violation';
  end if;
  return null;
end $$;
create trigger ledger_lines_balanced after insert on ledger_lines
  referencing new table as new_lines for each statement execute function ledger_postings_balanced();
