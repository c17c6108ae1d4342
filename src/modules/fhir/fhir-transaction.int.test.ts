import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMember, signIn } from '../../../test/factories';
import { type BundleIds, fhirBundle, fhirClient, freshIds } from '../../../test/fhir';
import { expectIntegrity, type IntakeClient, intakeClient, tableCounts } from '../../../test/intake';
import { SYSTEM } from './fhir.systems';

/** POST /fhir/R4: a transaction Bundle onto intake, all or nothing. */

let t: TestApp;
let key: ApiKeyFixture;
let fhir: ReturnType<typeof fhirClient>;
let intake: IntakeClient;

beforeAll(async () => {
  t = await buildTestApp();
  key = await createApiKey(t.deps);
  fhir = fhirClient(t.app, key.headers);
  intake = intakeClient(t.app, key.headers);
});
afterEach(async () => {
  await expectIntegrity(t.deps);
});
afterAll(async () => {
  await t.close();
});

type Entry = {
  response: { status: string; location?: string; outcome?: { issue: { diagnostics: string }[] } };
};

async function created(ids: BundleIds = freshIds(), owed = [12_000, 3_000]) {
  const body = fhirBundle(ids, owed);
  const res = await fhir.transaction(body);
  expect(res.statusCode, res.body).toBe(200);
  return { ids, body, res, entries: res.json().entry as Entry[] };
}

/** The bundle with one change made to a copy. */
function changed<T>(body: T, change: (copy: T) => void): T {
  const copy = structuredClone(body);
  change(copy);
  return copy;
}

function outcomeOf(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) {
  expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
  const body = res.json() as {
    resourceType: string;
    issue: { expression?: string[]; diagnostics?: string; code: string }[];
  };
  expect(body.resourceType).toBe('OperationOutcome');
  return body.issue;
}

describe('a transaction bundle', () => {
  it('creates the person, the account and the bill with its lines, as intake and the payer see them', async () => {
    const { ids, res, entries } = await created();
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(res.json()).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    expect(entries.map((e) => e.response.status)).toEqual(Array(5).fill('201 Created'));
    expect(entries[0]!.response.location).toMatch(/^Patient\/[0-9a-f-]{36}$/);
    expect(entries[1]!.response.location).toMatch(/^Account\/[0-9a-f-]{36}$/);
    expect(entries[4]!.response.location).toMatch(/^Invoice\/[0-9a-f-]{36}\/_history\/1$/);
    expect(entries[2]!.response.outcome?.issue[0]?.diagnostics).toMatch(/^Kept as line 1 of Invoice\//);

    const person = (await intake.getPerson(ids.patient)).json();
    expect(person).toMatchObject({
      medicalRecordNumber: ids.mrn,
      firstName: 'Maria Luisa',
      lastName: 'Rivera',
      birthDate: '1961-04-09',
      regionId: 'ncal',
      preferredLanguage: 'es',
      email: 'maria.rivera@example.org',
      phone: '+15105550123',
      postalAddress: { line1: '1 Main St', line2: null, city: 'Oakland', state: 'CA', postalCode: '94612' },
    });
    const account = (await intake.getAccount(ids.account)).json();
    expect(account).toMatchObject({
      kind: 'medical',
      regionId: 'ncal',
      stateCode: 'CA',
      accountNumber: ids.accountNumber,
      holderFirstName: 'Maria Luisa',
      holderLastName: 'Rivera',
      postalCode: '94612',
      personExternalId: ids.patient,
      guarantors: [ids.patient],
    });
    const bill = (await intake.getBill(ids.invoice)).json();
    expect(bill).toMatchObject({
      accountExternalId: ids.account,
      patientExternalId: ids.patient,
      kind: 'hospital',
      number: ids.invoiceNumber,
      provider: 'Dr. Ana Whitfield',
      facility: 'Evergreen Medical Center',
      visitDate: '2026-10-01',
      statementDate: '2026-10-20',
      dueDate: '2026-12-10',
      totalCents: 15_000,
      balanceCents: 15_000,
      version: 1,
      lines: [
        {
          serviceDate: '2026-10-01',
          code: '99214',
          description: 'Service 1',
          chargeCents: 22_000,
          insurancePaidCents: 6_000,
          adjustmentCents: 4_000,
          patientResponsibilityCents: 12_000,
        },
        expect.objectContaining({ serviceDate: '2026-10-02', patientResponsibilityCents: 3_000 }),
      ],
    });

    // The member (the patient, registered) sees the bill with its balance.
    const personId = entries[0]!.response.location!.split('/')[1]!;
    const member = await createMember(t.deps, {
      personId,
      regionId: 'ncal',
      medicalRecordNumber: ids.mrn,
      firstName: 'Maria Luisa',
      lastName: 'Rivera',
      birthDate: '1961-04-09',
    });
    const session = await signIn(t.app, member.email, member.password);
    const bills = await t.app.inject({
      method: 'GET',
      url: '/api/v1/member/bills',
      headers: { cookie: session.cookie },
    });
    expect(bills.statusCode, bills.body).toBe(200);
    expect(bills.json().bills).toEqual([
      expect.objectContaining({ number: ids.invoiceNumber, amountCents: 15_000, balanceCents: 15_000 }),
    ]);
  });

  it('writes the webhook events intake writes, once, with the transaction', async () => {
    const last = await t.deps.db
      .selectFrom('webhook_events')
      .select('id')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const { entries } = await created();
    const accountId = entries[1]!.response.location!.split('/')[1];
    // Event ids are time-ordered (UUIDv7): those written by this transaction come after the last one.
    let query = t.deps.db.selectFrom('webhook_events').select(['type', 'account_id']);
    if (last) query = query.where('id', '>', last.id);
    const events = await query.execute();
    expect(events.map((e) => e.type).sort()).toEqual(['account.created', 'bill.created']);
    expect(events.every((e) => e.account_id === accountId)).toBe(true);
  });

  it('the same bundle again changes nothing: every entry 200 OK, no new version', async () => {
    const { body } = await created();
    const before = await tableCounts(t.deps);
    const again = await fhir.transaction(body, 'application/json');
    expect(again.statusCode, again.body).toBe(200);
    const entries = again.json().entry as Entry[];
    expect(entries.map((e) => e.response.status)).toEqual(Array(5).fill('200 OK'));
    expect(entries[0]!.response.outcome?.issue[0]?.diagnostics).toMatch(/^unchanged/);
    expect(entries[4]!.response.location).toMatch(/\/_history\/1$/);
    expect(await tableCounts(t.deps)).toEqual(before);
  });

  it('a changed line makes a new version of the bill, and the rest stays unchanged', async () => {
    const { ids, body } = await created();
    const next = fhirBundle(ids, [12_000, 5_000]);
    const res = await fhir.transaction(next);
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json().entry as Entry[];
    expect(entries.map((e) => e.response.status)).toEqual(Array(5).fill('200 OK'));
    expect(entries[4]!.response.location).toMatch(/\/_history\/2$/);
    expect(entries[4]!.response.outcome?.issue[0]?.diagnostics).toMatch(/^updated/);
    expect((await intake.getBill(ids.invoice)).json()).toMatchObject({ totalCents: 17_000, version: 2 });
    expect(body.entry).toHaveLength(5);
  });

  it("accepts the README's example bundle, and then finds it unchanged", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = /curl -sS -X POST "\$SETTLE\/fhir\/R4"[^\n]*\n[^\n]*-d '([^']*)'/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const first = await fhir.transaction(JSON.parse(example!));
    expect(first.statusCode, first.body).toBe(200);
    expect((first.json().entry as Entry[]).map((e) => e.response.status)).toEqual(
      Array(4).fill('201 Created'),
    );
    expect((await intake.getBill('INV-9002')).json()).toMatchObject({
      totalCents: 12_000,
      balanceCents: 12_000,
    });
    const again = await fhir.transaction(JSON.parse(example!));
    expect((again.json().entry as Entry[]).map((e) => e.response.status)).toEqual(Array(4).fill('200 OK'));
  });

  it('a conditional update (PUT Patient?identifier=…) is an upsert too', async () => {
    const ids = freshIds();
    const body = changed(fhirBundle(ids), (b) => {
      b.entry[0]!.request = {
        method: 'PUT',
        url: `Patient?identifier=${SYSTEM.patient}|${ids.patient}`,
      } as never;
    });
    const res = await fhir.transaction(body);
    expect(res.statusCode, res.body).toBe(200);
    expect((await intake.getPerson(ids.patient)).statusCode).toBe(200);
  });

  it('refers to a patient Settle already holds by its id or identifier', async () => {
    const { ids, entries } = await created();
    const patientLocation = entries[0]!.response.location!;
    const other = freshIds();
    const body = fhirBundle({ ...other, patient: ids.patient });
    // Without the Patient entry: the account and the bill name the patient already held.
    const withoutPatient = changed(body, (b) => {
      const patientUrl = b.entry[0]!.fullUrl;
      b.entry.shift();
      const text = JSON.stringify(b.entry).replaceAll(patientUrl!, patientLocation);
      b.entry = JSON.parse(text);
    });
    const res = await fhir.transaction(withoutPatient);
    expect(res.statusCode, res.body).toBe(200);
    expect((await intake.getAccount(other.account)).json()).toMatchObject({
      personExternalId: ids.patient,
      holderLastName: 'Rivera',
    });
    const byIdentifier = changed(withoutPatient, (b) => {
      const text = JSON.stringify(b.entry).replaceAll(
        patientLocation,
        `Patient?identifier=${SYSTEM.patient}|${ids.patient}`,
      );
      b.entry = JSON.parse(text);
    });
    const again = await fhir.transaction(byIdentifier);
    expect(again.statusCode, again.body).toBe(200);
    expect((again.json().entry as Entry[]).map((e) => e.response.status)).toEqual(Array(4).fill('200 OK'));
  });
});

describe('a refused bundle changes nothing', () => {
  async function refused(body: unknown, status: number) {
    const before = await tableCounts(t.deps);
    const res = await fhir.transaction(body);
    expect(res.statusCode, res.body).toBe(status);
    expect(await tableCounts(t.deps)).toEqual(before);
    return outcomeOf(res);
  }

  it('an invalid entry refuses the whole bundle, naming the element by FHIRPath', async () => {
    const ids = freshIds();
    const body = changed(fhirBundle(ids), (b) => {
      (b.entry[0]!.resource as { birthDate: string }).birthDate = '2099-01-01';
    });
    const issues = await refused(body, 400);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'invalid', expression: ['Bundle.entry[0].resource.birthDate'] }),
    ]);
    expect((await intake.getPerson(ids.patient)).statusCode).toBe(404);
  });

  it('every problem is listed, each with its element', async () => {
    const body = changed(fhirBundle(freshIds()), (b) => {
      const invoice = b.entry[4]!.resource as {
        lineItem: { priceComponent: { amount: { value: number } }[] }[];
      };
      invoice.lineItem[0]!.priceComponent[0]!.amount.value = 220.005;
      (b.entry[2]!.resource as { code: { text?: string } }).code.text = '';
      (b.entry[1]!.resource as { type: { coding: { code: string }[] } }).type.coding[0]!.code = 'dental';
    });
    const issues = await refused(body, 400);
    const expressions = issues.map((i) => i.expression?.[0]);
    expect(expressions).toEqual(
      expect.arrayContaining([
        'Bundle.entry[4].resource.lineItem[0].priceComponent[0].amount.value',
        'Bundle.entry[2].resource.code.text',
        'Bundle.entry[1].resource.type.coding[0].code',
      ]),
    );
  });

  it('a line that does not add up names its amount', async () => {
    const body = changed(fhirBundle(freshIds()), (b) => {
      const invoice = b.entry[4]!.resource as {
        lineItem: { priceComponent: { amount: { value: number } }[] }[];
      };
      invoice.lineItem[1]!.priceComponent[3]!.amount.value = 31;
    });
    const issues = await refused(body, 400);
    expect(issues.map((i) => i.expression?.[0])).toContain(
      'Bundle.entry[4].resource.lineItem[1].priceComponent[3].amount.value',
    );
  });

  it('a refusal found while writing (a record number another person holds) rolls everything back', async () => {
    const first = await created();
    const ids = { ...freshIds(), mrn: first.ids.mrn };
    const issues = await refused(fhirBundle(ids), 409);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'duplicate',
        expression: ['Bundle.entry[0].resource.identifier[1].value'],
      }),
    ]);
    expect((await intake.getPerson(ids.patient)).statusCode).toBe(404);
  });

  it('an unresolvable reference is a 422 naming it', async () => {
    const body = changed(fhirBundle(freshIds()), (b) => {
      (b.entry[4]!.resource as { account: { reference: string } }).account.reference =
        'urn:uuid:no-such-entry';
    });
    const issues = await refused(body, 422);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'not-found',
        expression: ['Bundle.entry[4].resource.account.reference'],
      }),
    ]);
    const unknownId = changed(fhirBundle(freshIds()), (b) => {
      (b.entry[4]!.resource as { account: { reference: string } }).account.reference =
        'Account/00000000-0000-4000-8000-000000000000';
    });
    expect((await refused(unknownId, 422))[0]?.expression).toEqual([
      'Bundle.entry[4].resource.account.reference',
    ]);
  });

  it('a bundle that is not a transaction is a 400 naming Bundle.type', async () => {
    const issues = await refused({ ...fhirBundle(freshIds()), type: 'batch' }, 400);
    expect(issues).toEqual([expect.objectContaining({ expression: ['Bundle.type'] })]);
    const notBundle = await refused({ resourceType: 'Patient' }, 400);
    expect(notBundle.map((i) => i.expression?.[0])).toContain('Bundle.resourceType');
  });

  it('a resource type the adapter does not take, and a ChargeItem no Invoice lists, are named', async () => {
    const body = changed(fhirBundle(freshIds()), (b) => {
      (b.entry[4]!.resource as { lineItem: unknown[] }).lineItem.pop();
      (b.entry[4]!.resource as { totalNet?: unknown }).totalNet = undefined;
      (b.entry[4]!.resource as { totalGross?: unknown }).totalGross = undefined;
      b.entry.push({
        resource: { resourceType: 'Observation' },
        request: { method: 'POST', url: 'Observation' },
      } as never);
    });
    const issues = await refused(body, 400);
    expect(issues.map((i) => i.expression?.[0])).toEqual(
      expect.arrayContaining(['Bundle.entry[3]', 'Bundle.entry[5].resource.resourceType']),
    );
  });

  it('an ifNoneExist that names an identifier the resource lacks is named', async () => {
    const body = changed(fhirBundle(freshIds()), (b) => {
      (b.entry[1]!.request as { ifNoneExist?: string }).ifNoneExist =
        `identifier=${SYSTEM.account}|someone-else`;
    });
    const issues = await refused(body, 400);
    expect(issues).toEqual([
      expect.objectContaining({ expression: ['Bundle.entry[1].request.ifNoneExist'] }),
    ]);
  });

  it('a key without a scope an entry needs is a 403 naming the scope, before anything is read', async () => {
    const limited = await createApiKey(t.deps, { scopes: ['people:write', 'accounts:write'] });
    const before = await tableCounts(t.deps);
    const res = await fhirClient(t.app, limited.headers).transaction(fhirBundle(freshIds()));
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/insufficient_scope.*bills:write/);
    const issues = outcomeOf(res);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'forbidden',
        expression: ['Bundle.entry[2].resource'],
        diagnostics: expect.stringContaining('bills:write'),
      }),
    ]);
    expect(await tableCounts(t.deps)).toEqual(before);
  });

  it('no key, a bad body and an unknown path answer OperationOutcome too', async () => {
    const noKey = await t.app.inject({ method: 'POST', url: '/fhir/R4', payload: fhirBundle(freshIds()) });
    expect(noKey.statusCode).toBe(401);
    expect(outcomeOf(noKey)).toEqual([expect.objectContaining({ code: 'login' })]);
    const garbage = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4',
      headers: { ...key.headers, 'content-type': 'application/fhir+json' },
      payload: '{"resourceType":',
    });
    expect(garbage.statusCode).toBe(400);
    outcomeOf(garbage);
    const missing = await fhir.get('/fhir/R4/Observation');
    expect(missing.statusCode).toBe(404);
    expect(outcomeOf(missing)).toEqual([expect.objectContaining({ code: 'not-found' })]);
    const asProblem = await fhir.get('/fhir/R4/Observation', { accept: 'application/problem+json' });
    expect(asProblem.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});
