/**
 * Bulk set-up of payers for the payment scenario: one medical account with one open bill each, the
 * bill's line and its `bill_issued` ledger posting (the same rows issueBill writes, so checkIntegrity
 * holds), a guest session per account (as a lookup would create it) and a sandbox card token per
 * payer (tokenization is the browser's exchange with the processor, not part of our API's work).
 */
import { sql } from 'kysely';
import { withCheckDigit } from '../src/domain/identifiers';
import type { Db } from '../src/platform/db';
import { newId, newSecretToken, sha256 } from '../src/platform/ids';
import { type PaymentSpec, payerIp } from './protocol';

const BATCH = 5_000;

interface Payer {
  accountId: string;
  accountNumber: string;
  billId: string;
  billNumber: string;
  postingId: string;
  lineId: string;
  amountCents: number;
  sessionId: string;
  sessionToken: string;
  paymentToken: string;
}

function makePayer(i: number): Payer {
  return {
    accountId: newId(),
    accountNumber: withCheckDigit(`8${String(i).padStart(8, '0')}`),
    billId: newId(),
    billNumber: `B${String(i).padStart(9, '0')}`,
    postingId: newId(),
    lineId: newId(),
    // Varied amounts, all above the organization's minimum; the payer pays the whole balance.
    amountCents: 5_000 + (i % 997) * 13,
    sessionId: newId(),
    sessionToken: newSecretToken(),
    paymentToken: `tok_bench${newSecretToken()}`,
  };
}

async function insertBatch(db: Db, payers: Payer[], sessionExpiresAt: Date): Promise<void> {
  const col = <K extends keyof Payer>(k: K) => payers.map((p) => p[k]);
  const accountIds = col('accountId');
  const billIds = col('billId');
  const amounts = col('amountCents');
  const postingIds = col('postingId');
  await db.transaction().execute(async (trx) => {
    await sql`
      insert into accounts (id, region_id, state_code, kind, plan_type, account_number,
        holder_first_name, holder_last_name, postal_code)
      select id, 'ncal', 'CA', 'medical', null, n, 'Maria', 'Rivera', '94612'
      from unnest(${accountIds}::uuid[], ${col('accountNumber')}::text[]) as t(id, n)`.execute(trx);
    await sql`
      insert into bills (id, account_id, kind, number, patient_name, provider, facility, visit_date,
        statement_date, due_date, amount_cents, balance_cents, status)
      select id, a, 'hospital', n, 'Maria Rivera', 'Dr. Ana Whitfield', 'Evergreen Medical Center',
        '2026-10-01', '2026-10-20', '2026-12-10', amt, amt, 'open'
      from unnest(${billIds}::uuid[], ${accountIds}::uuid[], ${col('billNumber')}::text[], ${amounts}::bigint[])
        as t(id, a, n, amt)`.execute(trx);
    await sql`
      insert into bill_lines (id, bill_id, account_id, position, service_date, description, code,
        charge_cents, insurance_paid_cents, adjustment_cents, patient_owes_cents)
      select id, b, a, 0, null, 'Office visit', null, amt + 10000, 6000, 4000, amt
      from unnest(${col('lineId')}::uuid[], ${billIds}::uuid[], ${accountIds}::uuid[], ${amounts}::bigint[])
        as t(id, b, a, amt)`.execute(trx);
    await sql`
      insert into ledger_postings (id, account_id, kind, bill_id, payment_id)
      select id, a, 'bill_issued', b, null
      from unnest(${postingIds}::uuid[], ${accountIds}::uuid[], ${billIds}::uuid[]) as t(id, a, b)`.execute(
      trx,
    );
    await sql`
      insert into ledger_lines (posting_id, account_id, ledger_account, bill_id, amount_cents)
      select p, a, l.ledger_account, case when l.ledger_account = 'receivable' then b end, l.sign * amt
      from unnest(${postingIds}::uuid[], ${accountIds}::uuid[], ${billIds}::uuid[], ${amounts}::bigint[])
        as t(p, a, b, amt)
      cross join (values ('receivable', 1), ('revenue', -1)) as l(ledger_account, sign)`.execute(trx);
    await sql`
      insert into guest_sessions (id, token_hash, account_id, bill_ids, ip, expires_at)
      select id, h, a, array[b], null, ${sessionExpiresAt}
      from unnest(${col('sessionId')}::uuid[], ${payers.map((p) => sha256(p.sessionToken))}::text[],
        ${accountIds}::uuid[], ${billIds}::uuid[]) as t(id, h, a, b)`.execute(trx);
    await sql`
      insert into sandbox_tokens (id, kind, brand, last4, exp_month, exp_year, holder_name, behaviour,
        bank_account_type)
      select id, 'card', 'visa', '4242', 12, 2030, null, 'succeed', null
      from unnest(${col('paymentToken')}::text[]) as t(id)`.execute(trx);
  });
}

/** Creates `count` payers and returns, for each, what the browser would send to pay its bill. */
export async function seedPayers(
  db: Db,
  count: number,
  sessionExpiresAt: Date,
  /** Index of the first payer (account and bill numbers, client address): a second call starts after the first. */
  from = 0,
): Promise<PaymentSpec[]> {
  const specs: PaymentSpec[] = [];
  for (let start = from; start < from + count; start += BATCH) {
    const payers: Payer[] = [];
    for (let i = start; i < Math.min(from + count, start + BATCH); i++) payers.push(makePayer(i));
    await insertBatch(db, payers, sessionExpiresAt);
    for (const [k, p] of payers.entries()) {
      specs.push({
        sessionToken: p.sessionToken,
        billId: p.billId,
        amountCents: p.amountCents,
        paymentToken: p.paymentToken,
        ip: payerIp(start + k),
      });
    }
  }
  // Fresh statistics so the planner sees tens of thousands of rows, as it would in production.
  await sql`analyze`.execute(db);
  return specs;
}
