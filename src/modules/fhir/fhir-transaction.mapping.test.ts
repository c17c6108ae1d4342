import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fhirBundle, freshIds } from '../../../test/fhir';
import { checkedNumber } from '../../../test/intake';
import { type TransactionBundle, transactionBundle } from './fhir.schema';
import { CODE, EXT, SYSTEM } from './fhir.systems';
import { type KnownRecords, mapTransaction } from './fhir-transaction.mapping';

/** The mapping alone, without a database: what each element becomes, and where each problem is named. */

const nothingKnown: KnownRecords = {
  peopleById: new Map(),
  peopleByExternalId: new Map(),
  accountsById: new Map(),
};

function parsed(body: unknown): TransactionBundle {
  return transactionBundle.parse(body);
}

describe('mapTransaction', () => {
  it('maps any whole-cent lines onto a bill whose total is their sum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 6 }),
        (owed) => {
          const result = mapTransaction(parsed(fhirBundle(freshIds(), owed)), nothingKnown);
          if (!result.ok) throw new Error(JSON.stringify(result.errors));
          const bill = result.plan.bills[0]!.input;
          expect(bill.totalCents).toBe(owed.reduce((a, b) => a + b, 0));
          expect(bill.lines.map((l) => l.patientResponsibilityCents)).toEqual(owed);
          expect(bill.lines.map((l) => l.chargeCents)).toEqual(owed.map((o) => o + 10_000));
          expect([...result.plan.lineOf.keys()]).toEqual(owed.map((_, i) => i + 2));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('maps a premium account and invoice: plan type, coverage period, no visit date', () => {
    const ids = { ...freshIds(), invoiceNumber: checkedNumber('7') };
    const body = fhirBundle(ids, [30_000]);
    const account = body.entry[1]!.resource as Record<string, unknown>;
    account.type = { coding: [{ system: CODE.accountKind, code: 'premium' }] };
    account.extension = [{ url: EXT.planType, valueCode: 'individual_family' }];
    const invoice = body.entry[3]!.resource as Record<string, unknown>;
    invoice.type = { coding: [{ system: CODE.billKind, code: 'premium' }] };
    invoice.extension = [
      { url: EXT.dueDate, valueDate: '2026-12-01' },
      { url: EXT.coveragePeriod, valuePeriod: { start: '2026-12-01', end: '2026-12-31' } },
    ];
    const result = mapTransaction(parsed(body), nothingKnown);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.accounts[0]!.input).toMatchObject({ kind: 'premium', planType: 'individual_family' });
    expect(result.plan.bills[0]!.input).toMatchObject({
      kind: 'premium',
      number: ids.invoiceNumber,
      coverageStart: '2026-12-01',
      coverageEnd: '2026-12-31',
      visitDate: null,
    });
  });

  it("names intake's refusals by the FHIR element they came from", () => {
    const body = fhirBundle(freshIds(), [12_000]);
    const account = body.entry[1]!.resource as Record<string, unknown>;
    account.type = { coding: [{ system: CODE.accountKind, code: 'premium' }] };
    const patient = body.entry[0]!.resource as {
      telecom: { value: string }[];
      identifier: { value: string }[];
    };
    patient.telecom[0]!.value = '510 555 0123';
    patient.identifier[1]!.value = 'MR 1';
    const invoice = body.entry[3]!.resource as { extension: unknown[]; date: string };
    invoice.extension = [];
    invoice.date = '2026-13-01';
    const result = mapTransaction(parsed(body), nothingKnown);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([...new Set(result.errors.map((e) => e.field))].sort()).toEqual(
      [
        'Bundle.entry[0].resource.identifier[1].value',
        'Bundle.entry[0].resource.telecom[0].value',
        'Bundle.entry[1].resource.extension',
        'Bundle.entry[3].resource.date',
        'Bundle.entry[3].resource.extension',
      ].sort(),
    );
  });

  it('refuses a key identifier of another system, naming the request', () => {
    const body = fhirBundle(freshIds());
    (body.entry[0]!.request as { ifNoneExist?: string }).ifNoneExist = `identifier=${SYSTEM.account}|x`;
    const result = mapTransaction(parsed(body), nothingKnown);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({ field: 'Bundle.entry[0].request.ifNoneExist', code: 'unknown_system' }),
    ]);
  });
});
