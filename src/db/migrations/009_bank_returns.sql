-- Bank debits settle some days after they succeed, or come back returned with a NACHA return code.
-- A return reverses the payment (ledger reversal, the bills open again); a closed or unknown account
-- (R02, R03) or an unauthorized debit (R05, R07, R10) stops debits from that bank account until the
-- member gives a new method or authorizes again.

alter table payments add column settled_at timestamptz;
alter table payments add column return_code text;
-- The worker asks the processor about bank debits that have neither settled nor come back.
create index payments_unsettled_bank_idx on payments (created_at)
  where method_type = 'bank' and status = 'succeeded' and settled_at is null;

alter table payment_methods add column blocked_at timestamptz;
alter table payment_methods add column blocked_reason text;
-- A block lifted by a new authorization is not put back by the return that caused it.
alter table payment_methods add column unblocked_at timestamptz;
