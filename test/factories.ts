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
