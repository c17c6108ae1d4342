import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../src/deps';
import { withCheckDigit } from '../src/domain/identifiers';
import { createAccount, issueBill } from '../src/modules/bills/bills.service';
import type { GuestSessionView } from '../src/modules/guest/guest.schema';

let seq = 0;
function uniqueDigits(prefix: string, length: number): string {
  seq++;
  const body = `${prefix}${String(process.pid % 1000).padStart(3, '0')}${String(seq).padStart(4, '0')}${randomInt(0, 10 ** 4)}`;
  return withCheckDigit(body.slice(0, length - 1).padEnd(length - 1, '0'));
}

export interface MedicalAccountFixture {
  accountId: string;
  accountNumber: string;
  postalCode: string;
  regionId: string;
  billIds: string[];
  billNumbers: string[];
  amounts: number[];
}

/** A medical account with one bill per amount (cents), due on consecutive days. */
export async function createMedicalAccount(
  deps: Deps,
  opts: { amounts?: number[]; regionId?: string; postalCode?: string } = {},
): Promise<MedicalAccountFixture> {
  const amounts = opts.amounts ?? [12_000, 4_550];
  const regionId = opts.regionId ?? 'ncal';
  const postalCode = opts.postalCode ?? '94612';
  const accountNumber = uniqueDigits('1', 10);
  return deps.db.transaction().execute(async (trx) => {
    const accountId = await createAccount(trx, {
      regionId,
      stateCode: 'CA',
      kind: 'medical',
      accountNumber,
      holderFirstName: 'Maria',
      holderLastName: 'Rivera',
      postalCode,
    });
    const billIds: string[] = [];
    const billNumbers: string[] = [];
    for (const [i, amount] of amounts.entries()) {
      const number = `T${uniqueDigits('9', 9)}`;
      const bill = await issueBill(trx, {
        accountId,
        kind: i % 2 === 0 ? 'hospital' : 'professional',
        number,
        patientName: 'Maria Rivera',
        provider: 'Dr. Ana Whitfield',
        facility: 'Evergreen Medical Center',
        visitDate: '2026-10-01',
        statementDate: '2026-10-20',
        dueDate: `2026-12-${String(10 + i).padStart(2, '0')}`,
        lines: [
          {
            description: 'Office visit',
            chargeCents: amount + 10_000,
            insurancePaidCents: 6_000,
            adjustmentCents: 4_000,
          },
        ],
      });
      billIds.push(bill.id);
      billNumbers.push(number);
    }
    return { accountId, accountNumber, postalCode, regionId, billIds, billNumbers, amounts };
  });
}

export interface PremiumAccountFixture {
  accountId: string;
  accountNumber: string;
  invoiceNumber: string;
  lastName: string;
  regionId: string;
  billId: string;
}

export async function createPremiumAccount(
  deps: Deps,
  opts: { amount?: number; regionId?: string; lastName?: string } = {},
): Promise<PremiumAccountFixture> {
  const regionId = opts.regionId ?? 'midatlantic';
  const lastName = opts.lastName ?? 'Núñez';
  const accountNumber = uniqueDigits('2', 10);
  const invoiceNumber = uniqueDigits('7', 10);
  return deps.db.transaction().execute(async (trx) => {
    const accountId = await createAccount(trx, {
      regionId,
      stateCode: 'MD',
      kind: 'premium',
      planType: 'individual_family',
      accountNumber,
      holderFirstName: 'José',
      holderLastName: lastName,
      postalCode: '20850',
    });
    const bill = await issueBill(trx, {
      accountId,
      kind: 'premium',
      number: invoiceNumber,
      patientName: `José ${lastName}`,
      coverageStart: '2026-12-01',
      coverageEnd: '2026-12-31',
      statementDate: '2026-11-12',
      dueDate: '2026-12-01',
      lines: [{ description: 'Monthly premium', chargeCents: opts.amount ?? 45_000 }],
    });
    return { accountId, accountNumber, invoiceNumber, lastName, regionId, billId: bill.id };
  });
}

export async function lookupMedical(
  app: FastifyInstance,
  a: MedicalAccountFixture,
): Promise<GuestSessionView> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/guest/lookups',
    payload: {
      regionId: a.regionId,
      kind: 'medical',
      accountNumber: a.accountNumber,
      postalCode: a.postalCode,
    },
  });
  if (res.statusCode !== 201) throw new Error(`lookup failed ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function tokenizeCard(app: FastifyInstance, number = '4242424242424242'): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/sandbox/v1/tokens',
    payload: {
      type: 'card',
      card: { number, expMonth: 12, expYear: 2030, cvc: number.length === 15 ? '1234' : '123' },
    },
    // As the browser does, from the payer's own address (the flood guard counts per address).
    remoteAddress: nextTestAddress(),
  });
  if (res.statusCode !== 201) throw new Error(`tokenize failed ${res.statusCode} ${res.body}`);
  return res.json().token;
}

export async function tokenizeBank(app: FastifyInstance, accountNumber = '000123456789'): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/sandbox/v1/tokens',
    payload: {
      type: 'bank',
      bank: { routingNumber: '110000000', accountNumber, accountType: 'checking', holderName: 'José Núñez' },
    },
  });
  if (res.statusCode !== 201) throw new Error(`tokenize failed ${res.statusCode} ${res.body}`);
  return res.json().token;
}

export function pay(
  app: FastifyInstance,
  sessionToken: string,
  body: Record<string, unknown>,
  idempotencyKey: string | null = randomUUID(),
) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/guest/payments',
    headers: {
      authorization: `Bearer ${sessionToken}`,
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    payload: body,
  });
}

export interface PersonFixture {
  personId: string;
  regionId: string;
  medicalRecordNumber: string;
  firstName: string;
  lastName: string;
  birthDate: string;
}

/** A person the organization knows, responsible for the given accounts (and the one the first is for). */
export async function createPerson(
  deps: Deps,
  opts: {
    firstName?: string;
    lastName?: string;
    birthDate?: string;
    regionId?: string;
    /** Accounts whose bills are for this person. */
    accountsFor?: string[];
    /** Accounts this person pays for (their own are added automatically). */
    responsibleFor?: string[];
  } = {},
): Promise<PersonFixture> {
  const person = {
    personId: randomUUID(),
    regionId: opts.regionId ?? 'ncal',
    medicalRecordNumber: uniqueDigits('5', 9),
    firstName: opts.firstName ?? 'Maria',
    lastName: opts.lastName ?? 'Rivera',
    birthDate: opts.birthDate ?? '1961-04-09',
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('people')
      .values({
        id: person.personId,
        region_id: person.regionId,
        medical_record_number: person.medicalRecordNumber,
        first_name: person.firstName,
        last_name: person.lastName,
        birth_date: person.birthDate,
      })
      .execute();
    for (const accountId of opts.accountsFor ?? []) {
      await trx
        .updateTable('accounts')
        .set({ person_id: person.personId })
        .where('id', '=', accountId)
        .execute();
    }
    const pays = [...new Set([...(opts.accountsFor ?? []), ...(opts.responsibleFor ?? [])])];
    for (const accountId of pays) {
      await trx
        .insertInto('account_guarantors')
        .values({ account_id: accountId, person_id: person.personId })
        .execute();
    }
  });
  return person;
}

export const MEMBER_PASSWORD = 'a long and quiet river at dawn';

/** Registers `person` as a verified member with MEMBER_PASSWORD (as if they had confirmed their email). */
export async function createMember(
  deps: Deps,
  person: PersonFixture,
  opts: { email?: string } = {},
): Promise<{ memberId: string; email: string; password: string }> {
  const { hashPassword } = await import('../src/platform/passwords');
  const memberId = randomUUID();
  const email = opts.email ?? `member-${memberId.slice(0, 8)}@example.org`;
  const now = new Date('2026-11-01T00:00:00Z');
  await deps.db
    .insertInto('members')
    .values({
      id: memberId,
      person_id: person.personId,
      email,
      password_hash: await hashPassword(MEMBER_PASSWORD),
      preferred_language: 'en',
      email_verified_at: now,
      terms_version: 'test',
      terms_accepted_at: now,
      password_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { memberId, email, password: MEMBER_PASSWORD };
}

let addressSeq = 0;
/** A different (private) client address each call. */
export function nextTestAddress(): string {
  addressSeq++;
  return `10.${(addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq & 255}`;
}

/** Signs in and returns the cookie header and CSRF token for later requests. */
export async function signIn(
  app: FastifyInstance,
  email: string,
  password: string,
): Promise<{ cookie: string; csrfToken: string; body: Record<string, unknown> }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/member/sessions',
    payload: { email, password },
    // Its own address, so many sign-ins in one test never meet the per-IP flood guard.
    remoteAddress: nextTestAddress(),
  });
  if (res.statusCode !== 201) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const cookie = (first ?? '').split(';')[0] ?? '';
  return { cookie, csrfToken: res.json().csrfToken, body: res.json() };
}
