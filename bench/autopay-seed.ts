/**
 * Gives every member without autopay a saved sandbox card, an enrollment for their account, and the
 * first bill's automatic payment noticed and due on `chargeOn` — the state the worker's daily run
 * finds. Used by the crash test and the autopay bench scenario.
 */
import { sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { Config } from '../src/config';
import { todayIn } from '../src/domain/dates';
import { seedBulkMembers } from '../src/modules/demo/bulk-members';
import type { Db } from '../src/platform/db';

export async function seedDueAutopay(db: Db, opts: { processor: string; chargeOn: string }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`
      insert into sandbox_tokens (id, kind, brand, last4, exp_month, exp_year, holder_name, behaviour,
        bank_account_type, attached_to)
      select 'tok_due_' || m.id, 'card', 'visa', '4242', 12, 2030, null, 'succeed', null, m.id::text
      from members m
      where not exists (select 1 from autopay_enrollments e where e.member_id = m.id)`.execute(trx);
    await sql`
      insert into payment_methods (id, member_id, kind, processor, processor_method_id, nickname, brand,
        last4, exp_month, exp_year, bank_account_type, holder_name, is_default, created_at, updated_at)
      select gen_random_uuid(), m.id, 'card', ${opts.processor}, 'tok_due_' || m.id, null,
        'visa', '4242', 12, 2030, null, null, false, now(), now()
      from members m
      where not exists (select 1 from autopay_enrollments e where e.member_id = m.id)`.execute(trx);
    await sql`
      insert into autopay_enrollments (id, member_id, account_id, region_id, status, amount_rule,
        days_before_due, bill_kinds, payment_method_id, notify_by_text, created_at, updated_at)
      select gen_random_uuid(), m.id, g.account_id, a.region_id, 'active', 'statement_balance', 0,
        '["medical"]'::jsonb, pm.id, false, now(), now()
      from members m
      join account_guarantors g on g.person_id = m.person_id
      join accounts a on a.id = g.account_id
      join payment_methods pm on pm.member_id = m.id and pm.processor_method_id = 'tok_due_' || m.id
      -- not in (one hashed subplan), not not exists: the table this statement fills was empty when
      -- analyzed, and an anti join planned for that rescans it for every member inserted.
      where m.id not in (select e.member_id from autopay_enrollments e)`.execute(trx);
    const items = await sql`
      insert into autopay_items (id, enrollment_id, member_id, account_id, region_id, period_key, bill_id,
        charge_on, noticed_amount_cents, status, tries, created_at, updated_at)
      select distinct on (e.account_id) gen_random_uuid(), e.id, e.member_id, e.account_id, e.region_id,
        b.id::text, b.id, ${opts.chargeOn}::date, b.balance_cents, 'noticed', 0, now(), now()
      from autopay_enrollments e
      join bills b on b.account_id = e.account_id and b.status = 'open' and b.balance_cents > 0
      where not exists (select 1 from autopay_items i where i.enrollment_id = e.id)
      order by e.account_id, b.due_date`.execute(trx);
    return Number(items.numAffectedRows ?? 0);
  });
}

/**
 * `count` new bulk members in Northern California (as `settle demo --members` makes them), each with
 * an automatic payment due yesterday (seedDueAutopay), analyzed. The due date and how many are due.
 */
export async function seedMembersWithAutopayDue(
  db: Db,
  config: Config,
  opts: { processor: string; count: number },
): Promise<{ chargeOn: string; due: number }> {
  await seedBulkMembers(db, {
    count: opts.count,
    passwordHash: 'not-for-sign-in',
    regionId: 'ncal',
    stateCode: 'CA',
    now: new Date(),
  });
  const region = config.organization.regions.find((r) => r.id === 'ncal');
  const chargeOn = todayIn(region?.timeZone ?? 'UTC', Temporal.Now.instant())
    .subtract({ days: 1 })
    .toString();
  const due = await seedDueAutopay(db, { processor: opts.processor, chargeOn });
  await sql`analyze`.execute(db);
  return { chargeOn, due };
}
