import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { pay, tokenizeCard } from '../../../test/factories';
import {
  expectIntegrity,
  hospitalBillBody,
  type IntakeClient,
  intakeClient,
  intakeScenarios,
  line,
  newExternalId,
  premiumAccountBody,
  premiumBillBody,
  tableCounts,
} from '../../../test/intake';
import { reconcilePayments } from '../payments/reconciliation.service';

let t: TestApp;
let key: ApiKeyFixture;
let api: IntakeClient;

beforeAll(async () => {
  t = await buildTestApp();
  key = await createApiKey(t.deps);
  api = intakeClient(t.app, key.headers);
});
afterEach(async () => {
  t.sandbox.faults = {};
  // Every scenario leaves the ledger and the bills agreeing (what `settle check` verifies).
  await expectIntegrity(t.deps);
});
afterAll(async () => {
  await t.close();
});

const { medicalAccount, newBill, guestLookup } = intakeScenarios(() => ({ t, api }));

async function refused(send: () => ReturnType<IntakeClient['putBill']>) {
  const before = await tableCounts(t.deps);
  const res = await send();
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(await tableCounts(t.deps)).toEqual(before);
  return { status: res.statusCode, body: res.json() };
}

describe('a bill from intake', () => {
  it('is created with its lines and owed in the ledger; the same PUT again changes nothing', async () => {
    const { externalId, body, bill, account } = await newBill([12_000, 4_550]);
    expect(bill).toMatchObject({
      externalId,
      accountExternalId: account.externalId,
      patientExternalId: null,
      kind: 'hospital',
      number: body.number,
      patientName: 'Maria Rivera',
      totalCents: 16_550,
      adjustmentsCents: 0,
      amountCents: 16_550,
      balanceCents: 16_550,
      paidCents: 0,
      paymentInProgressCents: 0,
      status: 'open',
      version: 1,
      lines: [
        {
          description: 'Service 1',
          chargeCents: 22_000,
          insurancePaidCents: 6_000,
          adjustmentCents: 4_000,
          patientResponsibilityCents: 12_000,
        },
        { description: 'Service 2', patientResponsibilityCents: 4_550 },
      ],
    });
    const before = await tableCounts(t.deps);
    const again = await api.putBill(externalId, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ result: 'unchanged', bill });
    expect(await tableCounts(t.deps)).toEqual(before);
    expect((await api.getBill(externalId)).json()).toEqual(bill);
    const versions = (await api.versions(externalId)).json();
    expect(versions.versions).toEqual([
      expect.objectContaining({
        version: 1,
        change: 'created',
        amountChangeCents: 16_550,
        amountCents: 16_550,
        reason: null,
        actor: { type: 'api', id: key.id },
      }),
    ]);
    expect(versions.versions[0].content).toMatchObject({ totalCents: 16_550, number: body.number });
  });

  it('is corrected by a PUT with other lines: a new version, and the ledger moves by the difference', async () => {
    const { externalId, body } = await newBill([12_000]);
    const up = await api.putBill(externalId, { ...body, totalCents: 15_000, lines: [line(15_000)] });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({
      result: 'updated',
      bill: { version: 2, totalCents: 15_000, amountCents: 15_000, balanceCents: 15_000 },
    });
    const down = await api.putBill(externalId, {
      ...body,
      totalCents: 9_000,
      lines: [line(4_000), line(5_000, 'Lab')],
    });
    expect(down.json()).toMatchObject({ result: 'updated', bill: { version: 3, balanceCents: 9_000 } });
    expect(down.json().bill.lines).toHaveLength(2);
    const versions = (await api.versions(externalId)).json().versions;
    expect(
      versions.map((v: { change: string; amountChangeCents: number }) => [v.change, v.amountChangeCents]),
    ).toEqual([
      ['created', 12_000],
      ['corrected', 3_000],
      ['corrected', -6_000],
    ]);
    // Every version is kept with its content: the first still has its one line of 12,000.
    expect(versions[0].content.lines).toEqual([
      expect.objectContaining({ patientResponsibilityCents: 12_000 }),
    ]);
    const postings = await t.deps.db
      .selectFrom('ledger_postings')
      .innerJoin('bills', 'bills.id', 'ledger_postings.bill_id')
      .select(['ledger_postings.kind'])
      .where('bills.external_id', '=', externalId)
      .execute();
    expect(postings.map((p) => p.kind).sort()).toEqual(['adjustment', 'adjustment', 'bill_issued']);
  });

  it('a correction that changes no amount is a version without a posting', async () => {
    const { externalId, body } = await newBill([12_000]);
    const res = await api.putBill(externalId, {
      ...body,
      provider: 'Dr. Kofi Mensah',
      dueDate: '2026-12-20',
    });
    expect(res.json()).toMatchObject({
      result: 'updated',
      bill: { version: 2, provider: 'Dr. Kofi Mensah', dueDate: '2026-12-20', balanceCents: 12_000 },
    });
    const versions = (await api.versions(externalId)).json().versions;
    expect(versions[1]).toMatchObject({ change: 'corrected', amountChangeCents: 0 });
  });

  it('a premium invoice is created on a premium account', async () => {
    const accountId = newExternalId('account');
    const account = premiumAccountBody();
    expect((await api.putAccount(accountId, account)).statusCode).toBe(201);
    const res = await api.putBill(newExternalId('bill'), premiumBillBody(accountId));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().bill).toMatchObject({
      kind: 'premium',
      coverageStart: '2026-12-01',
      balanceCents: 30_000,
      patientName: 'José Núñez',
    });
  });
});

describe('bad bills are refused, naming the field, and change nothing', () => {
  it.each([
    [
      'a line whose patient responsibility is not charge − insurance − adjustment',
      (b: Record<string, unknown>) => ({
        ...b,
        totalCents: 17_000,
        lines: [line(12_000), { ...line(5_000), patientResponsibilityCents: 5_000, chargeCents: 14_000 }],
      }),
      400,
      'lines.1.patientResponsibilityCents',
      'line_does_not_add_up',
    ],
    [
      'a total that is not the sum of the lines',
      (b: Record<string, unknown>) => ({ ...b, totalCents: 12_001 }),
      400,
      'totalCents',
      'total_does_not_add_up',
    ],
    [
      'negative cents',
      (b: Record<string, unknown>) => ({ ...b, lines: [{ ...line(12_000), insurancePaidCents: -1 }] }),
      400,
      'lines.0.insurancePaidCents',
      'invalid',
    ],
    [
      'fractional cents',
      (b: Record<string, unknown>) => ({ ...b, totalCents: 12_000.5 }),
      400,
      'totalCents',
      'invalid',
    ],
    [
      'a malformed date',
      (b: Record<string, unknown>) => ({ ...b, statementDate: '2026-13-01' }),
      400,
      'statementDate',
      'invalid',
    ],
    [
      'a service date that is not a date',
      (b: Record<string, unknown>) => ({ ...b, lines: [{ ...line(12_000), serviceDate: 'yesterday' }] }),
      400,
      'lines.0.serviceDate',
      'invalid',
    ],
    [
      'a due date before the statement',
      (b: Record<string, unknown>) => ({ ...b, dueDate: '2026-10-19' }),
      400,
      'dueDate',
      'date_out_of_order',
    ],
    [
      'a description too long',
      (b: Record<string, unknown>) => ({ ...b, lines: [{ ...line(12_000), description: 'x'.repeat(201) }] }),
      400,
      'lines.0.description',
      'invalid',
    ],
    [
      'an unknown field on a line',
      (b: Record<string, unknown>) => ({ ...b, lines: [{ ...line(12_000), note: 'hi' }] }),
      400,
      'lines.0.note',
      'unknown_field',
    ],
    [
      'an unknown field on the bill',
      (b: Record<string, unknown>) => ({ ...b, amountCents: 12_000 }),
      400,
      'amountCents',
      'unknown_field',
    ],
    [
      'no lines',
      (b: Record<string, unknown>) => ({ ...b, totalCents: 0, lines: [] }),
      400,
      'lines',
      'invalid',
    ],
    [
      'a hospital bill without a visit date',
      (b: Record<string, unknown>) => ({ ...b, visitDate: null }),
      400,
      'visitDate',
      'required',
    ],
    [
      'coverage dates on a hospital bill',
      (b: Record<string, unknown>) => ({ ...b, coverageStart: '2026-12-01', coverageEnd: '2026-12-31' }),
      400,
      'coverageStart',
      'not_allowed',
    ],
    [
      'a premium invoice on a medical account',
      (b: Record<string, unknown>) => ({ ...premiumBillBody(String(b.accountExternalId)) }),
      400,
      'kind',
      'kind_not_for_account',
    ],
    [
      'an unknown account',
      (b: Record<string, unknown>) => ({ ...b, accountExternalId: 'no-such-account' }),
      422,
      'accountExternalId',
      'unknown_account',
    ],
    [
      'an unknown patient',
      (b: Record<string, unknown>) => ({ ...b, patientExternalId: 'no-such-person' }),
      422,
      'patientExternalId',
      'unknown_person',
    ],
    [
      'a bill that leaves nothing to pay',
      (b: Record<string, unknown>) => ({ ...b, totalCents: 0, lines: [line(0)] }),
      400,
      'totalCents',
      'nothing_to_pay',
    ],
  ])('%s', async (_label, change, status, field, code) => {
    const account = await medicalAccount();
    const body = change(hospitalBillBody(account.externalId));
    const r = await refused(() => api.putBill(newExternalId('bill'), body));
    expect(r.status).toBe(status);
    expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
  });

  it('a premium invoice number without its check digit, or without coverage', async () => {
    const accountId = newExternalId('account');
    await api.putAccount(accountId, premiumAccountBody());
    const bad = await refused(() =>
      api.putBill(
        newExternalId('bill'),
        premiumBillBody(accountId, { number: '7000000001', coverageEnd: null }),
      ),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['coverageEnd', 'number']);
  });

  it('a bill number another bill holds', async () => {
    const first = await newBill();
    const r = await refused(() =>
      api.putBill(
        newExternalId('bill'),
        hospitalBillBody(first.account.externalId, [100], { number: first.body.number }),
      ),
    );
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'duplicate_identifier', errors: [{ field: 'number' }] });
  });

  it('moving a bill to another account', async () => {
    const { externalId, body } = await newBill();
    const other = await medicalAccount();
    const r = await refused(() => api.putBill(externalId, { ...body, accountExternalId: other.externalId }));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'change_not_allowed', errors: [{ field: 'accountExternalId' }] });
  });
});

describe('corrections, voids and adjustments after payments', () => {
  it('a correction may not ask for less than was paid; down to exactly that, the bill is paid', async () => {
    const { externalId, body, account } = await newBill([12_000]);
    const session = (await guestLookup(account)).json();
    const paid = await pay(t.app, session.sessionToken, {
      billIds: [session.bills[0].id],
      amountCents: 5_000,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(paid.statusCode).toBe(201);
    expect((await api.getBill(externalId)).json()).toMatchObject({ paidCents: 5_000, balanceCents: 7_000 });

    const below = await refused(() =>
      api.putBill(externalId, { ...body, totalCents: 4_999, lines: [line(4_999)] }),
    );
    expect(below.status).toBe(422);
    expect(below.body).toMatchObject({
      code: 'bill_below_paid',
      paidCents: 5_000,
      errors: [{ field: 'totalCents', code: 'below_paid' }],
    });
    expect((await refused(() => api.voidBill(externalId, 'entered in error'))).body.code).toBe(
      'bill_below_paid',
    );
    expect(
      (await refused(() => api.adjust(externalId, { amountCents: -7_001, reason: 'write-off' }))).body.code,
    ).toBe('bill_below_paid');

    const exact = await api.putBill(externalId, { ...body, totalCents: 5_000, lines: [line(5_000)] });
    expect(exact.json().bill).toMatchObject({ status: 'paid', balanceCents: 0, amountCents: 5_000 });
    await expectIntegrity(t.deps);
    const reopened = await api.putBill(externalId, { ...body, totalCents: 8_000, lines: [line(8_000)] });
    expect(reopened.json().bill).toMatchObject({ status: 'open', balanceCents: 3_000, paidCents: 5_000 });
  });

  it('while a payment is in progress, nothing may leave less to pay than it will take', async () => {
    const { externalId, body, account } = await newBill([9_000]);
    const session = (await guestLookup(account)).json();
    t.sandbox.faults = { timeoutAfterSuccess: true };
    const res = await pay(t.app, session.sessionToken, {
      billIds: [session.bills[0].id],
      amountCents: 9_000,
      paymentToken: await tokenizeCard(t.app),
    });
    t.sandbox.faults = {};
    expect(res.json().status).toBe('unknown');
    expect((await api.getBill(externalId)).json()).toMatchObject({
      paymentInProgressCents: 9_000,
      balanceCents: 9_000,
    });

    const lower = await refused(() =>
      api.putBill(externalId, { ...body, totalCents: 8_999, lines: [line(8_999)] }),
    );
    expect(lower.status).toBe(409);
    expect(lower.body).toMatchObject({
      code: 'payment_in_progress',
      inProgressCents: 9_000,
      errors: [{ field: 'totalCents' }],
    });
    expect(
      (await refused(() => api.adjust(externalId, { amountCents: -1, reason: 'courtesy' }))).status,
    ).toBe(409);
    expect((await refused(() => api.voidBill(externalId, 'entered in error'))).status).toBe(409);
    // More may be asked for: the payment still takes its 9,000 when it completes.
    const higher = await api.putBill(externalId, { ...body, totalCents: 10_000, lines: [line(10_000)] });
    expect(higher.json().bill).toMatchObject({ balanceCents: 10_000, paymentInProgressCents: 9_000 });
    await expectIntegrity(t.deps);

    t.clock.advance({ minutes: 2 });
    await reconcilePayments(t.deps);
    expect((await api.getBill(externalId)).json()).toMatchObject({
      status: 'open',
      balanceCents: 1_000,
      paidCents: 9_000,
      paymentInProgressCents: 0,
    });
  });

  it('a void takes off what was left, keeps the reason, and the bill changes no more', async () => {
    const { externalId, body, account } = await newBill([12_000]);
    const voided = await api.voidBill(externalId, 'Billed to the wrong patient');
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toMatchObject({
      result: 'voided',
      bill: {
        status: 'void',
        balanceCents: 0,
        paidCents: 0,
        voidReason: 'Billed to the wrong patient',
        version: 2,
      },
    });
    expect((await api.voidBill(externalId, 'again')).json()).toMatchObject({
      result: 'unchanged',
      bill: { voidReason: 'Billed to the wrong patient' },
    });
    expect((await api.putBill(externalId, body)).json().result).toBe('unchanged');
    expect((await refused(() => api.putBill(externalId, { ...body, provider: 'Dr. Other' }))).body.code).toBe(
      'bill_void',
    );
    expect(
      (await refused(() => api.adjust(externalId, { amountCents: 100, reason: 'late fee' }))).body.code,
    ).toBe('bill_void');
    const versions = (await api.versions(externalId)).json().versions;
    expect(versions[1]).toMatchObject({
      change: 'voided',
      reason: 'Billed to the wrong patient',
      amountChangeCents: -12_000,
      amountCents: 0,
    });
    // The guest no longer finds anything to pay on it.
    expect((await guestLookup(account)).json().bills).toEqual([]);
  });

  it('an adjustment moves what is owed once per Idempotency-Key, and corrections keep it', async () => {
    const { externalId, body } = await newBill([12_000]);
    const idempotencyKey = 'adjust-courtesy-0001';
    const first = await api.adjust(
      externalId,
      { amountCents: -2_000, reason: 'Courtesy discount' },
      idempotencyKey,
    );
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      result: 'adjusted',
      bill: {
        totalCents: 12_000,
        adjustmentsCents: -2_000,
        amountCents: 10_000,
        balanceCents: 10_000,
        version: 2,
      },
    });
    const replay = await api.adjust(
      externalId,
      { amountCents: -2_000, reason: 'Courtesy discount' },
      idempotencyKey,
    );
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    expect(
      (
        await api.adjust(externalId, { amountCents: -3_000, reason: 'Courtesy discount' }, idempotencyKey)
      ).json().code,
    ).toBe('idempotency_mismatch');
    expect(
      (await refused(() => api.adjust(externalId, { amountCents: -100, reason: 'x' }, null))).status,
    ).toBe(400);
    expect((await api.getBill(externalId)).json().balanceCents).toBe(10_000);

    const late = await api.adjust(externalId, { amountCents: 1_500, reason: 'Late fee' });
    expect(late.json().bill).toMatchObject({ adjustmentsCents: -500, amountCents: 11_500 });
    // A correction of the lines keeps the adjustments on top of the new total.
    const corrected = await api.putBill(externalId, { ...body, totalCents: 13_000, lines: [line(13_000)] });
    expect(corrected.json().bill).toMatchObject({
      totalCents: 13_000,
      adjustmentsCents: -500,
      amountCents: 12_500,
      balanceCents: 12_500,
      version: 4,
    });
    const nothingLeft = await refused(() =>
      api.adjust(externalId, { amountCents: -12_500, reason: 'write-off' }),
    );
    expect(nothingLeft.status).toBe(400);
    expect(nothingLeft.body.errors).toEqual([
      expect.objectContaining({ field: 'amountCents', code: 'nothing_to_pay' }),
    ]);
    const versions = (await api.versions(externalId)).json().versions;
    expect(versions.map((v: { change: string }) => v.change)).toEqual([
      'created',
      'adjusted',
      'adjusted',
      'corrected',
    ]);
    expect(versions[1]).toMatchObject({
      reason: 'Courtesy discount',
      amountChangeCents: -2_000,
      amountCents: 10_000,
    });
  });

  it('two PUTs of the same new bill at once make one bill', async () => {
    const account = await medicalAccount();
    const externalId = newExternalId('bill');
    const body = hospitalBillBody(account.externalId);
    const answers = await Promise.all([api.putBill(externalId, body), api.putBill(externalId, body)]);
    expect(answers.map((a) => a.json().result).sort()).toEqual(['created', 'unchanged']);
  });
});
