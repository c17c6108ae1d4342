import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Deps } from '../src/deps';
import { withCheckDigit } from '../src/domain/identifiers';
import { checkIntegrity } from '../src/modules/integrity/integrity.service';
import type { TestApp } from './app';

/** Intake bodies an integrator would send, with named overrides; every identifier fresh. */

let seq = 0;
function fresh(prefix: string): string {
  seq++;
  return `${prefix}-${process.pid}-${seq}-${randomInt(0, 1_000_000)}`;
}

/** A fresh number of `length` digits ending in its Luhn check digit. */
export function checkedNumber(first: string, length = 10): string {
  seq++;
  const body = `${first}${String(process.pid % 1000).padStart(3, '0')}${String(seq).padStart(4, '0')}${randomInt(0, 10_000)}`;
  return withCheckDigit(body.slice(0, length - 1).padEnd(length - 1, '0'));
}

export const newExternalId = (kind: string) => fresh(kind);

export function personBody(overrides: Record<string, unknown> = {}) {
  return {
    medicalRecordNumber: `MR${randomInt(10_000_000, 99_999_999)}${seq++}`,
    firstName: 'Maria',
    lastName: 'Rivera',
    birthDate: '1961-04-09',
    regionId: 'ncal',
    preferredLanguage: 'es',
    email: 'maria.rivera@example.org',
    phone: '+15105550123',
    postalAddress: { line1: '1 Main St', city: 'Oakland', state: 'CA', postalCode: '94612' },
    ...overrides,
  };
}

export function medicalAccountBody(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'medical',
    regionId: 'ncal',
    stateCode: 'CA',
    accountNumber: checkedNumber('3'),
    holderFirstName: 'Maria',
    holderLastName: 'Rivera',
    postalCode: '94612',
    guarantors: [],
    ...overrides,
  };
}

export function premiumAccountBody(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'premium',
    planType: 'individual_family',
    regionId: 'midatlantic',
    stateCode: 'MD',
    accountNumber: checkedNumber('4'),
    holderFirstName: 'José',
    holderLastName: 'Núñez',
    postalCode: '20850',
    guarantors: [],
    ...overrides,
  };
}

export interface LineBody {
  serviceDate?: string;
  code?: string;
  description: string;
  chargeCents: number;
  insurancePaidCents: number;
  adjustmentCents: number;
  patientResponsibilityCents: number;
}

/** A line whose patient responsibility is `owed` (charge = owed + 6,000 insurance + 4,000 adjustment). */
export function line(owed: number, description = 'Office visit'): LineBody {
  return {
    serviceDate: '2026-10-01',
    code: '99214',
    description,
    chargeCents: owed + 10_000,
    insurancePaidCents: 6_000,
    adjustmentCents: 4_000,
    patientResponsibilityCents: owed,
  };
}

export function hospitalBillBody(
  accountExternalId: string,
  owed: number[] = [12_000],
  overrides: Record<string, unknown> = {},
) {
  const lines = owed.map((o, i) => line(o, `Service ${i + 1}`));
  return {
    accountExternalId,
    kind: 'hospital',
    number: `H${checkedNumber('8', 9)}`,
    provider: 'Dr. Ana Whitfield',
    facility: 'Evergreen Medical Center',
    visitDate: '2026-10-01',
    statementDate: '2026-10-20',
    dueDate: '2026-12-10',
    totalCents: owed.reduce((a, b) => a + b, 0),
    lines,
    ...overrides,
  };
}

export function premiumBillBody(accountExternalId: string, overrides: Record<string, unknown> = {}) {
  return {
    accountExternalId,
    kind: 'premium',
    number: checkedNumber('7'),
    coverageStart: '2026-12-01',
    coverageEnd: '2026-12-31',
    statementDate: '2026-11-12',
    dueDate: '2026-12-01',
    totalCents: 30_000,
    lines: [
      {
        description: 'Monthly premium, 2026-12',
        chargeCents: 45_000,
        adjustmentCents: 15_000,
        patientResponsibilityCents: 30_000,
      },
    ],
    ...overrides,
  };
}

/** An intake client for one API key. */
export function intakeClient(app: FastifyInstance, headers: { authorization: string }) {
  const send = (
    method: 'PUT' | 'GET' | 'POST',
    url: string,
    payload?: unknown,
    extra: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      headers: { ...headers, ...extra },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return {
    putPerson: (id: string, body: unknown) => send('PUT', `/api/v1/people/${id}`, body),
    getPerson: (id: string) => send('GET', `/api/v1/people/${id}`),
    putAccount: (id: string, body: unknown) => send('PUT', `/api/v1/accounts/${id}`, body),
    getAccount: (id: string) => send('GET', `/api/v1/accounts/${id}`),
    putBill: (id: string, body: unknown) => send('PUT', `/api/v1/bills/${id}`, body),
    getBill: (id: string) => send('GET', `/api/v1/bills/${id}`),
    versions: (id: string) => send('GET', `/api/v1/bills/${id}/versions`),
    voidBill: (id: string, reason: string) => send('POST', `/api/v1/bills/${id}/void`, { reason }),
    adjust: (id: string, body: unknown, key: string | null = randomUUID()) =>
      send('POST', `/api/v1/bills/${id}/adjustments`, body, key === null ? {} : { 'idempotency-key': key }),
  };
}
export type IntakeClient = ReturnType<typeof intakeClient>;

/** `settle check` finds nothing wrong (payments still in flight are not violations). */
export async function expectIntegrity(deps: Deps): Promise<void> {
  const report = await checkIntegrity(deps);
  expect(report.violations).toEqual([]);
}

/** How many rows intake's tables hold, to prove a refusal changed nothing. */
export async function tableCounts(deps: Deps): Promise<Record<string, number>> {
  const tables = [
    'people',
    'accounts',
    'account_guarantors',
    'bills',
    'bill_lines',
    'bill_versions',
    'ledger_postings',
    'ledger_lines',
    'idempotency_keys',
    'webhook_events',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await deps.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  // Every call with a key leaves an `api.call` row (api-key-auth); a change leaves an `intake.*` one.
  const audit = await deps.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', 'like', 'intake.%')
    .executeTakeFirstOrThrow();
  counts.intake_audit = Number(audit.n);
  return counts;
}

export interface IntakeAccount {
  externalId: string;
  personExternalId: string;
  accountNumber: string;
  postalCode: string;
}

/** Records a scenario starts from, made through the API (`get` is read when called: after beforeAll). */
export function intakeScenarios(get: () => { t: TestApp; api: IntakeClient }) {
  /** A person, and a medical account for their bills that they pay. */
  async function medicalAccount(): Promise<IntakeAccount> {
    const { api } = get();
    const personExternalId = newExternalId('person');
    expect((await api.putPerson(personExternalId, personBody())).statusCode).toBe(201);
    const externalId = newExternalId('account');
    const body = medicalAccountBody({ personExternalId, guarantors: [personExternalId] });
    expect((await api.putAccount(externalId, body)).statusCode).toBe(201);
    return { externalId, personExternalId, accountNumber: body.accountNumber, postalCode: body.postalCode };
  }

  /** A hospital bill (one line per amount owed) on a new medical account. */
  async function newBill(owed: number[] = [12_000], overrides: Record<string, unknown> = {}) {
    const account = await medicalAccount();
    const externalId = newExternalId('bill');
    const body = hospitalBillBody(account.externalId, owed, overrides);
    const res = await get().api.putBill(externalId, body);
    expect(res.statusCode, res.body).toBe(201);
    return { account, externalId, body, bill: res.json().bill };
  }

  /** A guest's lookup by account number and ZIP (the lookup limits cleared: they are not under test). */
  async function guestLookup(account: IntakeAccount) {
    const { t } = get();
    await t.deps.db.deleteFrom('rate_limit_counters').execute();
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/guest/lookups',
      payload: {
        regionId: 'ncal',
        kind: 'medical',
        accountNumber: account.accountNumber,
        postalCode: account.postalCode,
      },
    });
  }

  return { medicalAccount, newBill, guestLookup };
}
