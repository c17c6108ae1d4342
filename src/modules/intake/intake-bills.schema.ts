/** The intake contract for bills: lines, corrections (versions), voids and adjustments. */
import { z } from 'zod';
import { billArithmeticProblems, type ProblemPath } from '../../domain/bill-lines';
import { isValidCheckedNumber } from '../../domain/identifiers';
import { billDateProblems } from '../../domain/intake-dates';
import type { FieldError } from '../../errors';
import { calendarDate, cents, externalId, MAX_CENTS, text, writeResult } from './intake.schema';

export const billLineInput = z.strictObject({
  serviceDate: calendarDate.nullish().describe('When the service was given'),
  code: text(20).nullish().describe('CPT, HCPCS or revenue code'),
  description: text(200),
  chargeCents: cents,
  insurancePaidCents: cents.default(0),
  adjustmentCents: cents.default(0).describe('Negotiated discount or subsidy'),
  patientResponsibilityCents: cents.describe('Must equal chargeCents − insurancePaidCents − adjustmentCents'),
});

const billContent = z.strictObject({
  accountExternalId: externalId.describe(
    'The account the bill is on (PUT /api/v1/accounts/{externalId} first)',
  ),
  patientExternalId: externalId
    .nullish()
    .describe("The person the bill is for; the account's person when left out"),
  kind: z
    .enum(['hospital', 'professional', 'premium'])
    .describe('hospital and professional on medical accounts, premium on premium accounts'),
  number: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'Capital letters, digits and dashes, at most 32')
    .describe(
      'The bill or invoice number printed on it; a premium invoice number is digits ending in a Luhn check digit',
    ),
  provider: text(200).nullish(),
  facility: text(200).nullish(),
  visitDate: calendarDate.nullish().describe('Hospital and professional bills: required'),
  coverageStart: calendarDate.nullish().describe('Premium invoices: required'),
  coverageEnd: calendarDate.nullish().describe('Premium invoices: required'),
  statementDate: calendarDate,
  dueDate: calendarDate,
  totalCents: cents.describe("What the patient owes: the sum of the lines' patientResponsibilityCents"),
  lines: z.array(billLineInput).min(1).max(200),
});

type BillContent = z.infer<typeof billContent>;

function dotted(path: ProblemPath): string {
  return path.join('.');
}

/**
 * Every rule of a bill beyond its shape, as field errors: the fields its kind needs and forbids, a
 * premium invoice's check digit, the order of its dates and its arithmetic. The schema refuses with
 * them, and the service checks them again for callers that did not come through the schema.
 */
export function billContentProblems(bill: BillContent): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, code: string, message: string) => errors.push({ field, code, message });
  if (bill.kind === 'premium') {
    if (!bill.coverageStart) add('coverageStart', 'required', 'A premium invoice needs the coverage start');
    if (!bill.coverageEnd) add('coverageEnd', 'required', 'A premium invoice needs the coverage end');
    if (bill.visitDate) add('visitDate', 'not_allowed', 'A premium invoice has no visit date');
    if (!/^\d{6,20}$/.test(bill.number) || !isValidCheckedNumber(bill.number)) {
      add('number', 'check_digit', 'A premium invoice number is 6 to 20 digits, the last a Luhn check digit');
    }
  } else {
    if (!bill.visitDate) add('visitDate', 'required', `A ${bill.kind} bill needs the visit date`);
    if (bill.coverageStart) add('coverageStart', 'not_allowed', 'Only premium invoices have coverage dates');
    if (bill.coverageEnd) add('coverageEnd', 'not_allowed', 'Only premium invoices have coverage dates');
  }
  for (const p of billDateProblems(bill)) add(dotted(p.path), p.code, p.message);
  for (const p of billArithmeticProblems(bill.totalCents, bill.lines)) add(dotted(p.path), p.code, p.message);
  return errors;
}

export const billInput = billContent
  .superRefine((bill, ctx) => {
    for (const e of billContentProblems(bill)) {
      ctx.addIssue({
        code: 'custom',
        path: e.field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
        message: e.message,
        params: { code: e.code },
      });
    }
  })
  .describe(
    'A bill with its lines. A PUT with different content makes a new version (a correction); the same content changes nothing.',
  )
  .meta({
    examples: [
      {
        accountExternalId: 'GA-5001',
        kind: 'hospital',
        number: 'H20261001',
        provider: 'Dr. Ana Whitfield',
        facility: 'Evergreen Medical Center',
        visitDate: '2026-10-01',
        statementDate: '2026-10-20',
        dueDate: '2026-11-19',
        totalCents: 17000,
        lines: [
          {
            serviceDate: '2026-10-01',
            code: '99284',
            description: 'Emergency room visit, level 4',
            chargeCents: 120000,
            insurancePaidCents: 90000,
            adjustmentCents: 18000,
            patientResponsibilityCents: 12000,
          },
          {
            serviceDate: '2026-10-01',
            code: '80053',
            description: 'Laboratory: metabolic panel',
            chargeCents: 15000,
            insurancePaidCents: 8000,
            adjustmentCents: 2000,
            patientResponsibilityCents: 5000,
          },
        ],
      },
    ],
  });
export type BillInput = z.infer<typeof billInput>;

export const billLineRecord = z.object({
  serviceDate: z.string().nullable(),
  code: z.string().nullable(),
  description: z.string(),
  chargeCents: z.int(),
  insurancePaidCents: z.int(),
  adjustmentCents: z.int(),
  patientResponsibilityCents: z.int(),
});

export const billRecord = z.object({
  externalId: z.string(),
  accountExternalId: z.string(),
  patientExternalId: z.string().nullable(),
  kind: z.enum(['hospital', 'professional', 'premium']),
  number: z.string(),
  patientName: z.string(),
  provider: z.string().nullable(),
  facility: z.string().nullable(),
  visitDate: z.string().nullable(),
  coverageStart: z.string().nullable(),
  coverageEnd: z.string().nullable(),
  statementDate: z.string(),
  dueDate: z.string(),
  /** The sum of the current version's lines. */
  totalCents: z.int(),
  lines: z.array(billLineRecord),
  /** The sum of the adjustments posted on the bill (negative: taken off). */
  adjustmentsCents: z.int(),
  /** What the bill asks for: totalCents + adjustmentsCents. */
  amountCents: z.int(),
  /** What is left to pay. */
  balanceCents: z.int(),
  paidCents: z.int(),
  /** The share of a payment being processed right now. */
  paymentInProgressCents: z.int(),
  status: z.enum(['open', 'paid', 'void']),
  voidReason: z.string().nullable(),
  version: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type BillRecord = z.infer<typeof billRecord>;

export const billWriteView = z.object({
  result: z
    .enum(['created', 'updated', 'unchanged', 'voided', 'adjusted'])
    .describe('updated: the content changed and a new version was made; unchanged: nothing changed'),
  bill: billRecord,
});
export type BillWriteView = z.infer<typeof billWriteView>;
export type BillWriteResult = BillWriteView['result'];
export { writeResult };

export const billVersionView = z.object({
  version: z.int(),
  change: z.enum(['created', 'corrected', 'adjusted', 'voided']),
  at: z.iso.datetime(),
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  reason: z.string().nullable(),
  amountChangeCents: z.int(),
  amountCents: z.int(),
  /** The bill's content as it stood after this version (as the billing system sent it). */
  content: z.record(z.string(), z.unknown()),
});

export const billVersionsView = z.object({ externalId: z.string(), versions: z.array(billVersionView) });
export type BillVersionsView = z.infer<typeof billVersionsView>;

export const voidBillBody = z
  .strictObject({
    reason: text(500).describe('Why the bill is void (kept in its history)'),
  })
  .meta({ examples: [{ reason: 'Billed in error' }] });
export type VoidBillBody = z.infer<typeof voidBillBody>;

export const adjustBillBody = z
  .strictObject({
    amountCents: z
      .int('Use a whole number of cents')
      .min(-MAX_CENTS)
      .max(MAX_CENTS)
      .refine((n) => n !== 0, { message: 'An adjustment is not zero', params: { code: 'zero' } })
      .describe('Negative takes off what is owed (a write-off, a discount); positive adds to it'),
    reason: text(500),
  })
  .meta({ examples: [{ amountCents: -1000, reason: 'Prompt-pay courtesy discount' }] });
export type AdjustBillBody = z.infer<typeof adjustBillBody>;
