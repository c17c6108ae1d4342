import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  hospitalBillBody,
  type IntakeClient,
  intakeClient,
  intakeScenarios,
  line,
  medicalAccountBody,
  newExternalId,
  personBody,
} from '../../../test/intake';
import { webhookEventSchemas } from '../webhooks/webhook-events';

/**
 * Intake writes a webhook event for each change it makes — bill.created, bill.corrected, bill.adjusted,
 * bill.voided, account.created, account.updated — exactly once, in the change's transaction, and none
 * for a request that changes nothing or is refused.
 */

let t: TestApp;
let api: IntakeClient;

beforeAll(async () => {
  t = await buildTestApp();
  api = intakeClient(t.app, (await createApiKey(t.deps)).headers);
});
afterAll(async () => {
  await t.close();
});

const { medicalAccount, newBill } = intakeScenarios(() => ({ t, api }));

interface EventRow {
  id: string;
  type: string;
  account_id: string | null;
  payload: Record<string, unknown>;
}

/** The events written since `after` (ids are time-ordered), oldest first. */
async function eventsSince(after: string | null): Promise<EventRow[]> {
  let query = t.deps.db
    .selectFrom('webhook_events')
    .select(['id', 'type', 'account_id', 'payload'])
    .orderBy('id');
  if (after) query = query.where('id', '>', after);
  return (await query.execute()) as EventRow[];
}

async function lastEventId(): Promise<string | null> {
  const row = await t.deps.db
    .selectFrom('webhook_events')
    .select('id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Runs `change` and returns the events it wrote. */
async function eventsOf(change: () => Promise<unknown>): Promise<EventRow[]> {
  const mark = await lastEventId();
  await change();
  return eventsSince(mark);
}

async function billIdOf(externalId: string): Promise<{ id: string; account_id: string }> {
  return t.deps.db
    .selectFrom('bills')
    .select(['id', 'account_id'])
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
}

describe('bill events', () => {
  it('writes bill.created once, and nothing for the same PUT again', async () => {
    const account = await medicalAccount();
    const externalId = newExternalId('bill');
    const body = hospitalBillBody(account.externalId, [12_000, 4_550]);
    const created = await eventsOf(async () =>
      expect((await api.putBill(externalId, body)).statusCode).toBe(201),
    );
    const bill = await billIdOf(externalId);
    expect(created).toEqual([
      {
        id: expect.any(String),
        type: 'bill.created',
        account_id: bill.account_id,
        payload: {
          billId: bill.id,
          accountId: bill.account_id,
          number: body.number,
          kind: 'hospital',
          externalId,
          version: 1,
          totalCents: 16_550,
          amountCents: 16_550,
          balanceCents: 16_550,
          status: 'open',
          dueDate: '2026-12-10',
        },
      },
    ]);
    expect(webhookEventSchemas['bill.created'].safeParse(created[0]?.payload).success).toBe(true);
    expect(
      await eventsOf(async () =>
        expect((await api.putBill(externalId, body)).json().result).toBe('unchanged'),
      ),
    ).toEqual([]);
  });

  it('writes bill.corrected with the new version, total and balance; nothing for the same correction again', async () => {
    const { externalId, body } = await newBill([12_000]);
    const bill = await billIdOf(externalId);
    const corrected = { ...body, totalCents: 9_000, lines: [line(9_000)] };
    const events = await eventsOf(async () =>
      expect((await api.putBill(externalId, corrected)).json().result).toBe('updated'),
    );
    expect(events).toMatchObject([
      {
        type: 'bill.corrected',
        account_id: bill.account_id,
        payload: {
          billId: bill.id,
          externalId,
          version: 2,
          totalCents: 9_000,
          amountCents: 9_000,
          balanceCents: 9_000,
          amountChangeCents: -3_000,
          status: 'open',
        },
      },
    ]);
    expect(await eventsOf(() => api.putBill(externalId, corrected))).toEqual([]);
    // A change of content that leaves the amount as it was is still a correction (a new version).
    const moved = { ...corrected, dueDate: '2026-12-20' };
    expect(await eventsOf(() => api.putBill(externalId, moved))).toMatchObject([
      { type: 'bill.corrected', payload: { version: 3, amountChangeCents: 0, dueDate: '2026-12-20' } },
    ]);
  });

  it('writes bill.adjusted with the adjustment and the new balance; a replayed adjustment writes nothing', async () => {
    const { externalId } = await newBill([12_000]);
    const bill = await billIdOf(externalId);
    const key = randomUUID();
    const adjust = () => api.adjust(externalId, { amountCents: -2_500, reason: 'prompt-pay discount' }, key);
    const events = await eventsOf(async () => expect((await adjust()).statusCode).toBe(200));
    expect(events).toMatchObject([
      {
        type: 'bill.adjusted',
        account_id: bill.account_id,
        payload: {
          billId: bill.id,
          externalId,
          version: 2,
          totalCents: 12_000,
          amountCents: 9_500,
          balanceCents: 9_500,
          amountChangeCents: -2_500,
          status: 'open',
        },
      },
    ]);
    // The reason is the billing system's free text: not in the event (GET …/versions has it).
    expect(JSON.stringify(events)).not.toContain('prompt-pay');
    expect(
      await eventsOf(async () => expect((await adjust()).headers['idempotent-replayed']).toBe('true')),
    ).toEqual([]);
  });

  it('writes bill.voided once; voiding again, or changing a void bill, writes nothing', async () => {
    const { externalId, body } = await newBill([12_000]);
    const bill = await billIdOf(externalId);
    const events = await eventsOf(async () =>
      expect((await api.voidBill(externalId, 'sent in error')).statusCode).toBe(200),
    );
    expect(events).toMatchObject([
      {
        type: 'bill.voided',
        account_id: bill.account_id,
        payload: {
          billId: bill.id,
          externalId,
          version: 2,
          amountCents: 12_000,
          balanceCents: 0,
          amountChangeCents: -12_000,
          status: 'void',
        },
      },
    ]);
    expect(await eventsOf(() => api.voidBill(externalId, 'sent in error'))).toEqual([]);
    const refusedCorrection = await eventsOf(async () =>
      expect((await api.putBill(externalId, { ...body, dueDate: '2026-12-31' })).statusCode).toBe(409),
    );
    expect(refusedCorrection).toEqual([]);
    expect(
      await eventsOf(async () =>
        expect((await api.adjust(externalId, { amountCents: 100, reason: 'late fee' })).statusCode).toBe(409),
      ),
    ).toEqual([]);
  });

  it('writes nothing for a refused bill', async () => {
    const account = await medicalAccount();
    const body = hospitalBillBody(account.externalId, [12_000], { totalCents: 11_000 });
    expect(
      await eventsOf(async () =>
        expect((await api.putBill(newExternalId('bill'), body)).statusCode).toBe(400),
      ),
    ).toEqual([]);
  });
});

describe('account events', () => {
  it('writes account.created, then account.updated only when something changed', async () => {
    const person = newExternalId('person');
    await api.putPerson(person, personBody());
    const externalId = newExternalId('account');
    const body = medicalAccountBody({ personExternalId: person, guarantors: [person] });
    const created = await eventsOf(async () =>
      expect((await api.putAccount(externalId, body)).statusCode).toBe(201),
    );
    const account = await t.deps.db
      .selectFrom('accounts')
      .select('id')
      .where('external_id', '=', externalId)
      .executeTakeFirstOrThrow();
    expect(created).toEqual([
      {
        id: expect.any(String),
        type: 'account.created',
        account_id: account.id,
        payload: { accountId: account.id, externalId, kind: 'medical', regionId: 'ncal' },
      },
    ]);
    expect(await eventsOf(() => api.putAccount(externalId, body))).toEqual([]);
    expect(await eventsOf(() => api.putAccount(externalId, { ...body, guarantors: [] }))).toMatchObject([
      { type: 'account.updated', payload: { accountId: account.id, externalId } },
    ]);
  });
});

describe('what the events carry', () => {
  it('never a name, a medical record number or a date of birth', async () => {
    const mark = await lastEventId();
    const person = personBody({ firstName: 'Quenby', lastName: 'Marchetti', birthDate: '1955-02-03' });
    const personId = newExternalId('person');
    await api.putPerson(personId, person);
    const accountId = newExternalId('account');
    await api.putAccount(
      accountId,
      medicalAccountBody({
        personExternalId: personId,
        guarantors: [personId],
        holderFirstName: 'Quenby',
        holderLastName: 'Marchetti',
      }),
    );
    const billId = newExternalId('bill');
    const body = hospitalBillBody(accountId, [5_000], { patientExternalId: personId });
    await api.putBill(billId, body);
    await api.putBill(billId, { ...body, dueDate: '2026-12-24' });
    await api.adjust(billId, { amountCents: -100, reason: 'Quenby asked' });
    await api.voidBill(billId, 'Marchetti duplicate');
    const events = await eventsSince(mark);
    expect(events.map((e) => e.type)).toEqual([
      'account.created',
      'bill.created',
      'bill.corrected',
      'bill.adjusted',
      'bill.voided',
    ]);
    const text = JSON.stringify(events);
    for (const secret of ['Quenby', 'Marchetti', person.medicalRecordNumber, '1955-02-03', 'Whitfield']) {
      expect(text).not.toContain(secret);
    }
  });
});
