import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, createPerson } from '../../../test/factories';
import {
  expectIntegrity,
  type IntakeClient,
  intakeClient,
  medicalAccountBody,
  newExternalId,
  personBody,
  premiumAccountBody,
  tableCounts,
} from '../../../test/intake';

let t: TestApp;
let key: ApiKeyFixture;
let api: IntakeClient;

beforeAll(async () => {
  t = await buildTestApp();
  key = await createApiKey(t.deps);
  api = intakeClient(t.app, key.headers);
});
afterAll(async () => {
  await t.close();
});

/** Sends a refused request and proves it changed nothing: the answer, and the same row counts after. */
async function refused(send: () => ReturnType<IntakeClient['putPerson']>) {
  const before = await tableCounts(t.deps);
  const res = await send();
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(await tableCounts(t.deps)).toEqual(before);
  return { status: res.statusCode, body: res.json() };
}

describe('people', () => {
  it('creates a person, reads it back, and the same PUT again changes nothing', async () => {
    const id = newExternalId('person');
    const body = personBody();
    const created = await api.putPerson(id, body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      result: 'created',
      person: {
        externalId: id,
        medicalRecordNumber: body.medicalRecordNumber,
        firstName: 'Maria',
        birthDate: '1961-04-09',
        regionId: 'ncal',
        preferredLanguage: 'es',
        email: 'maria.rivera@example.org',
        phone: '+15105550123',
        postalAddress: { line1: '1 Main St', line2: null, city: 'Oakland', state: 'CA', postalCode: '94612' },
        isMember: false,
      },
    });
    const before = await tableCounts(t.deps);
    const again = await api.putPerson(id, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...created.json(), result: 'unchanged' });
    expect(await tableCounts(t.deps)).toEqual(before);
    const read = await api.getPerson(id);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created.json().person);
    expect(read.headers['cache-control']).toBe('no-store');
  });

  it('replaces the whole record on a PUT with other content, and audits it with the key as actor', async () => {
    const id = newExternalId('person');
    await api.putPerson(id, personBody());
    const updated = await api.putPerson(
      id,
      personBody({ lastName: 'Rivera-Soto', phone: null, postalAddress: undefined }),
    );
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      result: 'updated',
      person: { lastName: 'Rivera-Soto', phone: null, postalAddress: null },
    });
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'actor_type', 'actor_id'])
      .where('resource_id', '=', id)
      .orderBy('at')
      .execute();
    expect(audit).toEqual([
      { action: 'intake.person.created', actor_type: 'api', actor_id: key.id },
      { action: 'intake.person.updated', actor_type: 'api', actor_id: key.id },
    ]);
  });

  it('answers 404 for a person it does not know', async () => {
    const res = await api.getPerson('nobody-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('not_found');
  });

  it.each([
    ['an unknown region', { regionId: 'atlantis' }, 400, 'regionId', 'unknown_region'],
    ['a date of birth in the future', { birthDate: '2026-11-24' }, 400, 'birthDate', 'date_in_future'],
    ['a date of birth before 1900', { birthDate: '1899-12-31' }, 400, 'birthDate', 'invalid'],
    ['a date of birth in year 0', { birthDate: '0000-01-01' }, 400, 'birthDate', 'invalid'],
    ['a malformed date of birth', { birthDate: '1961-02-30' }, 400, 'birthDate', 'invalid'],
    ['a date of birth in another format', { birthDate: '04/09/1961' }, 400, 'birthDate', 'invalid'],
    ['a name too long', { firstName: 'M'.repeat(101) }, 400, 'firstName', 'invalid'],
    ['an unknown field', { middleName: 'Luisa' }, 400, 'middleName', 'unknown_field'],
    [
      'an unknown field in the address',
      {
        postalAddress: {
          line1: '1 Main St',
          city: 'Oakland',
          state: 'CA',
          postalCode: '94612',
          country: 'US',
        },
      },
      400,
      'postalAddress.country',
      'unknown_field',
    ],
    ['a phone number not in E.164', { phone: '510-555-0123' }, 400, 'phone', 'invalid'],
    ['a language Settle does not speak', { preferredLanguage: 'fr' }, 400, 'preferredLanguage', 'invalid'],
    ['a record number with spaces', { medicalRecordNumber: '12 34' }, 400, 'medicalRecordNumber', 'invalid'],
  ])('refuses %s, naming the field, and changes nothing', async (_label, override, status, field, code) => {
    const r = await refused(() => api.putPerson(newExternalId('person'), personBody(override)));
    expect(r.status).toBe(status);
    expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
  });

  it('refuses an externalId that is not an identifier', async () => {
    const r = await refused(() => api.putPerson('has%20space', personBody()));
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('externalId');
  });

  it('refuses a record number another person holds (upper-cased as registration reads it)', async () => {
    const first = personBody({ medicalRecordNumber: `ab${Date.now()}` });
    expect((await api.putPerson(newExternalId('person'), first)).statusCode).toBe(201);
    const other = newExternalId('person');
    const r = await refused(() =>
      api.putPerson(other, personBody({ medicalRecordNumber: first.medicalRecordNumber.toUpperCase() })),
    );
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      code: 'duplicate_identifier',
      errors: [{ field: 'medicalRecordNumber', code: 'taken' }],
    });
    // Also a person made outside intake (the demo seed, a factory) holds its number.
    const seeded = await createPerson(t.deps);
    const again = await refused(() =>
      api.putPerson(other, personBody({ medicalRecordNumber: seeded.medicalRecordNumber })),
    );
    expect(again.status).toBe(409);
  });

  it('two PUTs of the same new person at once make one person', async () => {
    const id = newExternalId('person');
    const body = personBody();
    const answers = await Promise.all([api.putPerson(id, body), api.putPerson(id, body)]);
    for (const a of answers) expect([200, 201], a.body).toContain(a.statusCode);
    expect(answers.map((a) => a.json().result).sort()).toEqual(['created', 'unchanged']);
    const rows = await t.deps.db.selectFrom('people').select('id').where('external_id', '=', id).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('accounts and who pays them', () => {
  it('creates a medical account with its patient and guarantors, reads it back, and is idempotent', async () => {
    const [parent, child] = [newExternalId('person'), newExternalId('person')];
    await api.putPerson(parent, personBody());
    await api.putPerson(child, personBody({ firstName: 'Lucía', birthDate: '2015-06-01' }));
    const id = newExternalId('account');
    const body = medicalAccountBody({ personExternalId: child, guarantors: [parent] });
    const created = await api.putAccount(id, body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      result: 'created',
      account: {
        externalId: id,
        kind: 'medical',
        planType: null,
        regionId: 'ncal',
        stateCode: 'CA',
        accountNumber: body.accountNumber,
        postalCode: '94612',
        personExternalId: child,
        guarantors: [parent],
      },
    });
    const again = await api.putAccount(id, body);
    expect(again.json()).toEqual({ ...created.json(), result: 'unchanged' });
    expect((await api.getAccount(id)).json()).toEqual(created.json().account);
    await expectIntegrity(t.deps);
  });

  it('changes who pays: adds and removes guarantors', async () => {
    const [a, b] = [newExternalId('person'), newExternalId('person')];
    await api.putPerson(a, personBody());
    await api.putPerson(b, personBody());
    const id = newExternalId('account');
    const body = medicalAccountBody({ personExternalId: a, guarantors: [a] });
    await api.putAccount(id, body);
    const changed = await api.putAccount(id, { ...body, guarantors: [b] });
    expect(changed.json()).toMatchObject({ result: 'updated', account: { guarantors: [b] } });
    const rows = await t.deps.db
      .selectFrom('account_guarantors')
      .innerJoin('accounts', 'accounts.id', 'account_guarantors.account_id')
      .select('account_guarantors.person_id')
      .where('accounts.external_id', '=', id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('creates a premium account with its plan type', async () => {
    const id = newExternalId('account');
    const res = await api.putAccount(id, premiumAccountBody());
    expect(res.statusCode).toBe(201);
    expect(res.json().account).toMatchObject({
      kind: 'premium',
      planType: 'individual_family',
      regionId: 'midatlantic',
    });
  });

  it.each([
    ['an unknown region', { regionId: 'atlantis' }, 400, 'regionId'],
    ['a state outside the region', { stateCode: 'NV' }, 400, 'stateCode'],
    ['an account number whose check digit is wrong', { accountNumber: '1234567890' }, 400, 'accountNumber'],
    ['an account number with letters', { accountNumber: '12345A7890' }, 400, 'accountNumber'],
    ['a plan type on a medical account', { planType: 'employer_group' }, 400, 'planType'],
    ['a ZIP code that is not 5 digits', { postalCode: '9461' }, 400, 'postalCode'],
    ['an unknown guarantor', { guarantors: ['nobody-here'] }, 422, 'guarantors.0'],
    ['an unknown person', { personExternalId: 'nobody-here' }, 422, 'personExternalId'],
    ['a guarantor listed twice', { guarantors: ['x1', 'x1'] }, 400, 'guarantors.1'],
    ['an unknown field', { nickname: 'main' }, 400, 'nickname'],
    ['a holder name too long', { holderLastName: 'R'.repeat(101) }, 400, 'holderLastName'],
  ])('refuses %s, naming the field, and changes nothing', async (_label, override, status, field) => {
    const r = await refused(() => api.putAccount(newExternalId('account'), medicalAccountBody(override)));
    expect(r.status).toBe(status);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses a premium account without a plan type', async () => {
    const r = await refused(() =>
      api.putAccount(newExternalId('account'), premiumAccountBody({ planType: null })),
    );
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'planType', code: 'required' })]);
  });

  it('refuses an account number another account holds, including one made outside intake', async () => {
    const seeded = await createMedicalAccount(t.deps);
    const r = await refused(() =>
      api.putAccount(newExternalId('account'), medicalAccountBody({ accountNumber: seeded.accountNumber })),
    );
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'duplicate_identifier', errors: [{ field: 'accountNumber' }] });
  });

  it('keeps an account with bills in its kind and region', async () => {
    const id = newExternalId('account');
    const body = medicalAccountBody();
    await api.putAccount(id, body);
    // Without bills the region may still change.
    expect((await api.putAccount(id, { ...body, regionId: 'scal' })).json().result).toBe('updated');
    const bill = await api.putBill(newExternalId('bill'), {
      accountExternalId: id,
      kind: 'professional',
      number: `P${Date.now()}`,
      visitDate: '2026-10-01',
      statementDate: '2026-10-20',
      dueDate: '2026-12-10',
      totalCents: 5_000,
      lines: [{ description: 'Visit', chargeCents: 5_000, patientResponsibilityCents: 5_000 }],
    });
    expect(bill.statusCode).toBe(201);
    const r = await refused(() => api.putAccount(id, { ...body, regionId: 'ncal' }));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'change_not_allowed', errors: [{ field: 'regionId' }] });
    // Other fields still change.
    expect((await api.putAccount(id, { ...body, regionId: 'scal', postalCode: '90012' })).json().result).toBe(
      'updated',
    );
    await expectIntegrity(t.deps);
  });
});

describe('scopes', () => {
  it('a write needs its write scope; a read takes the read or the write scope', async () => {
    const readOnly = intakeClient(t.app, (await createApiKey(t.deps, { scopes: ['people:read'] })).headers);
    const billsOnly = intakeClient(t.app, (await createApiKey(t.deps, { scopes: ['bills:write'] })).headers);
    const id = newExternalId('person');
    expect((await api.putPerson(id, personBody())).statusCode).toBe(201);
    const refusedWrite = await readOnly.putPerson(id, personBody());
    expect(refusedWrite.statusCode).toBe(403);
    expect(refusedWrite.json()).toMatchObject({ code: 'insufficient_scope', scope: 'people:write' });
    expect((await readOnly.getPerson(id)).statusCode).toBe(200);
    const refusedRead = await billsOnly.getPerson(id);
    expect(refusedRead.statusCode).toBe(403);
    expect(refusedRead.headers['www-authenticate']).toContain('insufficient_scope');
    expect((await billsOnly.putAccount(newExternalId('account'), medicalAccountBody())).statusCode).toBe(403);
  });

  it('refuses a call without a key, and a member or guest never reaches intake', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/people/whoever' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('api_key_invalid');
  });
});
