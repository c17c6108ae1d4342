import { sql } from 'kysely';
import { withCheckDigit } from '../../domain/identifiers';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';

/**
 * Many demo members at once, for load tests (`settle demo --members 100000`): each a person with a
 * medical account of their own and two open bills (a line and a `bill_issued` posting each, the rows
 * issueBill writes, so `settle check` holds), registered and confirmed, all with one password (one
 * hash: argon2id is meant to be slow). Inserted 5,000 at a time with multi-row statements.
 */
const BATCH = 5_000;

export const BULK_MEMBER_DOMAIN = 'bulk.example.org';

export function bulkMemberEmail(i: number): string {
  return `member-${i}@${BULK_MEMBER_DOMAIN}`;
}

export async function seedBulkMembers(
  db: Db,
  opts: {
    count: number;
    passwordHash: string;
    regionId: string;
    stateCode: string;
    now: Date;
    from?: number;
  },
): Promise<{ members: number; bills: number }> {
  const start = opts.from ?? (await nextBulkIndex(db));
  for (let offset = 0; offset < opts.count; offset += BATCH) {
    const size = Math.min(BATCH, opts.count - offset);
    const idx = Array.from({ length: size }, (_, k) => start + offset + k);
    const ids = () => idx.map(() => newId());
    const people = ids();
    const accounts = ids();
    const members = ids();
    const bills = [ids(), ids()];
    const postings = [ids(), ids()];
    const amounts = [idx.map((i) => 4_000 + (i % 991) * 17), idx.map((i) => 1_500 + (i % 613) * 11)];
    await db.transaction().execute(async (trx) => {
      await sql`
        insert into people (id, region_id, medical_record_number, first_name, last_name, birth_date)
        select id, ${opts.regionId}, 'B' || i, 'Member', 'Number ' || i, date '1950-01-01' + (i % 18000)
        from unnest(${people}::uuid[], ${idx}::int[]) as t(id, i)`.execute(trx);
      await sql`
        insert into accounts (id, region_id, state_code, kind, plan_type, account_number,
          holder_first_name, holder_last_name, postal_code, person_id)
        select id, ${opts.regionId}, ${opts.stateCode}, 'medical', null, n, 'Member', 'Number ' || i, '94612', p
        from unnest(${accounts}::uuid[], ${idx.map((i) => withCheckDigit(`7${String(i).padStart(9, '0')}`))}::text[],
          ${idx}::int[], ${people}::uuid[]) as t(id, n, i, p)`.execute(trx);
      await sql`
        insert into account_guarantors (account_id, person_id)
        select a, p from unnest(${accounts}::uuid[], ${people}::uuid[]) as t(a, p)`.execute(trx);
      for (const k of [0, 1] as const) {
        const billIds = bills[k] ?? [];
        const postingIds = postings[k] ?? [];
        const amount = amounts[k] ?? [];
        await sql`
          insert into bills (id, account_id, kind, number, patient_name, provider, facility, visit_date,
            statement_date, due_date, amount_cents, balance_cents, status)
          select id, a, ${k === 0 ? 'hospital' : 'professional'}, ${k === 0 ? 'BH' : 'BP'} || i,
            'Member Number ' || i, 'Dr. Ana Whitfield', 'Evergreen Medical Center', date '2026-10-01' + ${k * 14}::int,
            date '2026-10-20' + ${k * 14}::int, date '2026-12-10' + ${k * 14}::int, amt, amt, 'open'
          from unnest(${billIds}::uuid[], ${accounts}::uuid[], ${idx}::int[], ${amount}::bigint[]) as t(id, a, i, amt)`.execute(
          trx,
        );
        await sql`
          insert into bill_lines (id, bill_id, account_id, position, service_date, description, code,
            charge_cents, insurance_paid_cents, adjustment_cents, patient_owes_cents)
          select gen_random_uuid(), b, a, 0, null, 'Office visit', '99214', amt + 10000, 6000, 4000, amt
          from unnest(${billIds}::uuid[], ${accounts}::uuid[], ${amount}::bigint[]) as t(b, a, amt)`.execute(
          trx,
        );
        await sql`
          insert into ledger_postings (id, account_id, kind, bill_id, payment_id)
          select id, a, 'bill_issued', b, null
          from unnest(${postingIds}::uuid[], ${accounts}::uuid[], ${billIds}::uuid[]) as t(id, a, b)`.execute(
          trx,
        );
        await sql`
          insert into ledger_lines (posting_id, account_id, ledger_account, bill_id, amount_cents)
          select p, a, l.ledger_account, case when l.ledger_account = 'receivable' then b end, l.sign * amt
          from unnest(${postingIds}::uuid[], ${accounts}::uuid[], ${billIds}::uuid[], ${amount}::bigint[])
            as t(p, a, b, amt)
          cross join (values ('receivable', 1), ('revenue', -1)) as l(ledger_account, sign)`.execute(trx);
      }
      await sql`
        insert into members (id, person_id, email, password_hash, preferred_language, email_verified_at,
          terms_version, terms_accepted_at, password_changed_at, created_at, updated_at)
        select id, p, 'member-' || i || ${`@${BULK_MEMBER_DOMAIN}`}, ${opts.passwordHash}, 'en', ${opts.now},
          'bulk', ${opts.now}, ${opts.now}, ${opts.now}, ${opts.now}
        from unnest(${members}::uuid[], ${people}::uuid[], ${idx}::int[]) as t(id, p, i)`.execute(trx);
    });
  }
  return { members: opts.count, bills: opts.count * 2 };
}

/** Bulk members already seeded get the numbers 1..n; a second run continues after them. */
async function nextBulkIndex(db: Db): Promise<number> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email', 'like', `%@${BULK_MEMBER_DOMAIN}`)
    .executeTakeFirstOrThrow();
  return Number(row.n) + 1;
}
