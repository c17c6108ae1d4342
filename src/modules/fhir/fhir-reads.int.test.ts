import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, type MedicalAccountFixture } from '../../../test/factories';
import { fhirClient } from '../../../test/fhir';
import { refundTools } from '../../../test/refunds';
import { SYSTEM } from './fhir.systems';

/** Payments read as PaymentReconciliation and PaymentNotice, and the Invoices they paid. */

let t: TestApp;
let key: ApiKeyFixture;
let fhir: ReturnType<typeof fhirClient>;
let account: MedicalAccountFixture;
const payments: Record<'first' | 'second' | 'both', string> = { first: '', second: '', both: '' };
const tools = refundTools(
  () => t,
  () => key,
);

beforeAll(async () => {
  t = await buildTestApp();
  key = await createApiKey(t.deps);
  fhir = fhirClient(t.app, key.headers);
  account = await createMedicalAccount(t.deps, { amounts: [12_000, 4_550, 3_000, 2_000] });
  // One payment a day: 20, 21 and 22 November (UTC), the last paying two bills.
  t.clock.set('2026-11-20T10:00:00Z');
  payments.first = await tools.guestPays(account, [0], 12_000);
  t.clock.set('2026-11-21T10:00:00Z');
  payments.second = await tools.guestPays(account, [1], 4_550);
  t.clock.set('2026-11-22T23:59:59Z');
  payments.both = await tools.guestPays(account, [2, 3], 5_000);
  t.clock.set('2026-11-23T18:00:00Z');
  const refunded = await tools.refund(payments.first, { amountCents: 2_000, reason: 'billing_error' });
  expect(refunded.statusCode, refunded.body).toBe(201);
});
afterAll(async () => {
  await t.close();
});

interface SearchBundle {
  resourceType: 'Bundle';
  type: string;
  link: { relation: string; url: string }[];
  entry?: { fullUrl: string; resource: Record<string, unknown> & { id: string } }[];
}

async function search(url: string): Promise<SearchBundle> {
  const res = await fhir.get(url);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
  return res.json();
}

const ids = (bundle: SearchBundle) => (bundle.entry ?? []).map((e) => e.resource.id);
const usd = (cents: number) => ({ value: cents / 100, currency: 'USD' });

describe('PaymentReconciliation', () => {
  it('is one per payment, its details the Invoices it paid and the refunds, amounts as Money', async () => {
    const bundle = await search('/fhir/R4/PaymentReconciliation?created=ge2026-11-20');
    expect(bundle.type).toBe('searchset');
    expect(ids(bundle)).toEqual([payments.first, payments.second, payments.both]);
    const first = bundle.entry![0]!.resource;
    expect(first).toMatchObject({
      resourceType: 'PaymentReconciliation',
      status: 'active',
      outcome: 'complete',
      created: '2026-11-20T10:00:00.000Z',
      paymentDate: '2026-11-20',
      paymentAmount: usd(12_000),
      paymentIdentifier: { system: SYSTEM.confirmation },
      detail: [
        {
          type: { coding: [{ code: 'payment' }] },
          request: { reference: `Invoice/${account.billIds[0]}` },
          amount: usd(12_000),
        },
        {
          type: { coding: [{ code: 'adjustment' }] },
          request: { reference: `Invoice/${account.billIds[0]}` },
          amount: usd(-2_000),
        },
      ],
    });
    expect(bundle.entry![0]!.fullUrl).toMatch(
      new RegExp(`/fhir/R4/PaymentReconciliation/${payments.first}$`),
    );
    const both = bundle.entry![2]!.resource as unknown as {
      detail: { request: { reference: string }; amount: unknown }[];
    };
    expect(both.detail.map((d) => d.request.reference).sort()).toEqual(
      [`Invoice/${account.billIds[2]}`, `Invoice/${account.billIds[3]}`].sort(),
    );
  });

  it('reads by id, and the Invoice it paid is readable', async () => {
    const res = await fhir.get(`/fhir/R4/PaymentReconciliation/${payments.second}`);
    expect(res.statusCode, res.body).toBe(200);
    const reconciliation = res.json();
    expect(reconciliation).toMatchObject({ id: payments.second, paymentAmount: usd(4_550) });
    const invoice = await fhir.get(`/fhir/R4/${reconciliation.detail[0].request.reference}`);
    expect(invoice.statusCode, invoice.body).toBe(200);
    expect(invoice.json()).toMatchObject({
      resourceType: 'Invoice',
      id: account.billIds[1],
      status: 'balanced',
      account: { reference: `Account/${account.accountId}` },
      identifier: [{ system: SYSTEM.invoiceNumber, value: account.billNumbers[1] }],
      totalNet: usd(4_550),
    });
  });

  it('filters on created with eq, ge, gt, le and lt, dates and date-times', async () => {
    const found = async (query: string) => ids(await search(`/fhir/R4/PaymentReconciliation?${query}`));
    expect(await found('created=2026-11-21')).toEqual([payments.second]);
    expect(await found('created=eq2026-11-21')).toEqual([payments.second]);
    expect(await found('created=gt2026-11-20')).toEqual([payments.second, payments.both]);
    expect(await found('created=lt2026-11-21')).toEqual([payments.first]);
    expect(await found('created=le2026-11-21')).toEqual([payments.first, payments.second]);
    expect(await found('created=ge2026-11-21&created=lt2026-11-22')).toEqual([payments.second]);
    expect(await found('created=ge2026-11-21T10:00:00Z&created=lt2026-11-21T10:00:01Z')).toEqual([
      payments.second,
    ]);
    // 23:59:59 UTC on the 22nd is the 22nd at 15:59:59 in Oakland (-08:00).
    expect(await found('created=2026-11-22T15:59:59-08:00')).toEqual([payments.both]);
    expect(await found('created=2026-11')).toEqual([payments.first, payments.second, payments.both]);
    expect(await found('created=ge2027')).toEqual([]);
  });

  it('pages by the next link, _count at a time', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/fhir/R4/PaymentReconciliation?created=ge2026-01-01&_count=1';
    let pages = 0;
    while (url && pages++ < 10) {
      const bundle = await search(url);
      expect(bundle.entry ?? []).toHaveLength(pages <= 3 ? 1 : 0);
      seen.push(...ids(bundle));
      const next = bundle.link.find((l) => l.relation === 'next')?.url;
      url = next ? next.replace(t.deps.config.publicUrl, '') : undefined;
    }
    expect(seen).toEqual([payments.first, payments.second, payments.both]);
    expect(pages).toBe(3);
  });

  it('refuses a bad search parameter with a 400 OperationOutcome naming it', async () => {
    for (const [query, parameter] of [
      ['created=xx2026-01-01', 'created'],
      ['created=ne2026-01-01', 'created'],
      ['created=ge2026-02-30', 'created'],
      ['created=ge2026-01-01T25:00:00Z', 'created'],
      ['_count=0', '_count'],
      ['_count=many', '_count'],
      ['_cursor=bm90LWEtY3Vyc29y', '_cursor'],
      ['patient=123', 'patient'],
    ] as const) {
      const res = await fhir.get(`/fhir/R4/PaymentReconciliation?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
      expect(res.json().issue, query).toEqual([expect.objectContaining({ expression: [parameter] })]);
    }
  });

  it('an unknown id is a 404 OperationOutcome', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      for (const type of ['PaymentReconciliation', 'Invoice']) {
        const res = await fhir.get(`/fhir/R4/${type}/${id}`);
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({
          resourceType: 'OperationOutcome',
          issue: [{ code: 'not-found' }],
        });
      }
    }
  });
});

describe('PaymentNotice', () => {
  it('is one per Invoice a payment paid, naming the payment and the Invoice', async () => {
    const bundle = await search('/fhir/R4/PaymentNotice?created=ge2026-11-22');
    expect(ids(bundle)).toEqual([`${payments.both}.1`, `${payments.both}.2`]);
    const notices = bundle.entry!.map((e) => e.resource);
    expect(notices[0]).toMatchObject({
      resourceType: 'PaymentNotice',
      status: 'active',
      payment: { reference: `PaymentReconciliation/${payments.both}` },
      recipient: { display: t.deps.config.organization.name },
      paymentStatus: { coding: [{ code: 'paid' }] },
    });
    const total = notices.reduce((sum, n) => sum + (n.amount as { value: number }).value * 100, 0);
    expect(total).toBe(5_000);
    expect(notices.map((n) => (n.request as { reference: string }).reference).sort()).toEqual(
      [`Invoice/${account.billIds[2]}`, `Invoice/${account.billIds[3]}`].sort(),
    );
  });
});

describe('scopes and the CapabilityStatement', () => {
  it('payment reads need payments:read; an Invoice bills:read or bills:write', async () => {
    const billsOnly = fhirClient(t.app, (await createApiKey(t.deps, { scopes: ['bills:read'] })).headers);
    const paymentsOnly = fhirClient(
      t.app,
      (await createApiKey(t.deps, { scopes: ['payments:read'] })).headers,
    );
    const refused = await billsOnly.get('/fhir/R4/PaymentReconciliation');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'forbidden', diagnostics: expect.stringContaining('payments:read') }],
    });
    expect((await billsOnly.get(`/fhir/R4/Invoice/${account.billIds[0]}`)).statusCode).toBe(200);
    expect((await paymentsOnly.get(`/fhir/R4/PaymentNotice`)).statusCode).toBe(200);
    expect((await paymentsOnly.get(`/fhir/R4/Invoice/${account.billIds[0]}`)).statusCode).toBe(403);
  });

  it('the CapabilityStatement is public and lists what is supported', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/fhir/R4/metadata' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const statement = res.json();
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      kind: 'instance',
    });
    expect(statement.rest[0].resource.map((r: { type: string }) => r.type)).toEqual([
      'Patient',
      'Account',
      'ChargeItem',
      'Invoice',
      'PaymentReconciliation',
      'PaymentNotice',
    ]);
  });
});
