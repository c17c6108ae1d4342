import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount } from '../../../test/factories';
import { newId } from '../../platform/ids';
import { insertPosting } from './ledger.store';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('database guards on money', () => {
  it('refuses a posting whose lines do not sum to zero', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [1_000] });
    await expect(
      t.deps.db.transaction().execute((trx) =>
        insertPosting(trx, { id: newId(), account_id: account.accountId, kind: 'adjustment' }, [
          {
            account_id: account.accountId,
            ledger_account: 'receivable',
            bill_id: account.billIds[0]!,
            amount_cents: 500,
          },
          { account_id: account.accountId, ledger_account: 'revenue', bill_id: null, amount_cents: -400 },
        ]),
      ),
    ).rejects.toThrow(/does not balance/);
  });

  it('checks every line of a posting, not only those a statement adds, and a batch of postings at once', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [1_000] });
    const line = (amount: number, ledger: 'revenue' | 'credit') => ({
      account_id: account.accountId,
      ledger_account: ledger,
      bill_id: null,
      amount_cents: amount,
    });
    const posting = newId();
    await insertPosting(t.deps.db, { id: posting, account_id: account.accountId, kind: 'adjustment' }, [
      line(300, 'revenue'),
      line(-300, 'credit'),
    ]);
    // A line appended later to a balanced posting unbalances it: refused.
    await expect(
      t.deps.db
        .insertInto('ledger_lines')
        .values({ ...line(5, 'revenue'), posting_id: posting })
        .execute(),
    ).rejects.toThrow(/does not balance/);
    // Many postings in one statement: one unbalanced refuses the statement.
    const [a, b] = [newId(), newId()];
    await t.deps.db
      .insertInto('ledger_postings')
      .values([a, b].map((id) => ({ id, account_id: account.accountId, kind: 'adjustment' as const })))
      .execute();
    await expect(
      t.deps.db
        .insertInto('ledger_lines')
        .values([
          { ...line(100, 'revenue'), posting_id: a },
          { ...line(-100, 'credit'), posting_id: a },
          { ...line(100, 'revenue'), posting_id: b },
        ])
        .execute(),
    ).rejects.toThrow(/does not balance/);
  });

  it.each(['ledger_lines', 'ledger_postings', 'audit_events'])('%s is append-only', async (table) => {
    await createMedicalAccount(t.deps, { amounts: [1_000] });
    await expect(sql.raw(`delete from ${table}`).execute(t.deps.db)).rejects.toThrow(/append-only/);
    await expect(sql.raw(`update ${table} set account_id = account_id`).execute(t.deps.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('refuses an illegal payment status transition', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [1_000] });
    const id = newId();
    await t.deps.db
      .insertInto('payments')
      .values({
        id,
        account_id: account.accountId,
        confirmation_number: `TEST-${id}`,
        channel: 'guest',
        status: 'failed',
        amount_cents: 1_000,
        currency: 'USD',
        method_type: 'card',
        method_brand: 'visa',
        method_last4: '4242',
        method_exp_month: 12,
        method_exp_year: 2030,
        bank_account_type: null,
        bank_authorization: null,
        processor: 'sandbox',
        processor_token: 'tok_x',
        payer_email: null,
        locale: 'en',
      })
      .execute();
    await expect(
      t.deps.db.updateTable('payments').set({ status: 'succeeded' }).where('id', '=', id).execute(),
    ).rejects.toThrow(/illegal payment status transition failed -> succeeded/);
  });
});
