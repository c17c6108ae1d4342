/**
 * The intake contract shared by people, accounts and bills: the organization's own identifiers,
 * calendar dates, cents, and the answer every write gives. Bodies are strict: a field the contract
 * does not know is refused by name, so a typo never passes for an omitted field.
 */
import { z } from 'zod';
import { isValidIsoDate } from '../../domain/dates';
import { isValidCheckedNumber } from '../../domain/identifiers';

/** The organization's own identifier of a record: what a PUT names in its path. */
export const externalId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
    '1 to 64 letters, digits, dots, dashes, underscores or colons, starting with a letter or digit',
  )
  .describe("The organization's own identifier of the record (unique per record type)");

export const externalIdParams = z.object({ externalId });
export type ExternalIdParams = z.infer<typeof externalIdParams>;

/** A real calendar day, yyyy-mm-dd (2026-02-30 is refused), in the years 1900 to 2199. */
export const calendarDate = z.iso
  .date('Use a real date in the format YYYY-MM-DD')
  .refine(isValidIsoDate, 'Use a real date in the format YYYY-MM-DD')
  // PostgreSQL has no year 0, and no bill or birth is that far off: a typo, refused before it is stored.
  .refine((d) => d >= '1900-01-01' && d < '2200-01-01', 'Use a date from 1900 to 2199');

/** The largest amount intake takes: a billion dollars, far above any bill, far below 2^53. */
export const MAX_CENTS = 100_000_000_000;

/** A whole, non-negative number of cents. */
export const cents = z.int('Use a whole number of cents').min(0).max(MAX_CENTS);

export const text = (max: number) => z.string().trim().min(1).max(max);

export const regionId = z
  .string()
  .min(1)
  .max(40)
  .describe('A region of the organization (GET /api/v1/organization)');

/** Digits ending in a Luhn check digit, as account and premium invoice numbers are printed. */
export const checkedNumber = z
  .string()
  .regex(/^\d{6,20}$/, '6 to 20 digits')
  .refine(isValidCheckedNumber, {
    message: 'The last digit is not the check digit of the others',
    params: { code: 'check_digit' },
  });

export const writeResult = z
  .enum(['created', 'updated', 'unchanged'])
  .describe('What the write did: `unchanged` when the record already held exactly this');
export type WriteResult = z.infer<typeof writeResult>;

// --- people --------------------------------------------------------------------------------------

export const postalAddress = z.strictObject({
  line1: text(100),
  line2: text(100).nullish(),
  city: text(60),
  state: z.string().regex(/^[A-Z]{2}$/, 'Two capital letters, e.g. CA'),
  postalCode: z.string().regex(/^\d{5}(-\d{4})?$/, '5 digits, or ZIP+4 (94612-1234)'),
});

export const personInput = z
  .strictObject({
    medicalRecordNumber: z
      .string()
      .regex(/^[A-Za-z0-9]{1,20}$/, '1 to 20 letters and digits, without spaces or dashes')
      .describe('Medical record number (MRN) as printed on the ID card; unique in the organization'),
    firstName: text(100),
    lastName: text(100),
    birthDate: calendarDate.describe('Date of birth: not after today, not before 1900'),
    regionId,
    preferredLanguage: z.enum(['en', 'es']).nullish(),
    email: z.email().max(254).nullish(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +15105550123')
      .nullish(),
    postalAddress: postalAddress.nullish(),
  })
  .describe('A patient or member. A PUT replaces the whole record: an optional field left out is cleared.')
  .meta({
    examples: [
      {
        medicalRecordNumber: 'MRN77120',
        firstName: 'Ana',
        lastName: 'Lima',
        birthDate: '1979-03-14',
        regionId: 'ncal',
        preferredLanguage: 'es',
        email: 'ana.lima@example.org',
        phone: '+15105550142',
        postalAddress: { line1: '12 Harbor Way', city: 'Oakland', state: 'CA', postalCode: '94612' },
      },
    ],
  });
export type PersonInput = z.infer<typeof personInput>;

export const personRecord = z.object({
  externalId: z.string(),
  medicalRecordNumber: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  birthDate: z.string(),
  regionId: z.string(),
  preferredLanguage: z.enum(['en', 'es']).nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  postalAddress: z
    .object({
      line1: z.string(),
      line2: z.string().nullable(),
      city: z.string(),
      state: z.string(),
      postalCode: z.string(),
    })
    .nullable(),
  /** Whether the person registered for the member portal. */
  isMember: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type PersonRecord = z.infer<typeof personRecord>;

export const personWriteView = z.object({ result: writeResult, person: personRecord });
export type PersonWriteView = z.infer<typeof personWriteView>;

// --- accounts ------------------------------------------------------------------------------------

export const accountInput = z
  .strictObject({
    kind: z
      .enum(['medical', 'premium'])
      .describe('medical: a guarantor account for hospital and professional bills; premium: a plan account'),
    planType: z
      .enum(['individual_family', 'employer_group'])
      .nullish()
      .describe('Premium accounts only, and required there'),
    regionId,
    stateCode: z
      .string()
      .regex(/^[A-Z]{2}$/, 'Two capital letters, e.g. CA')
      .describe('A state of the region'),
    accountNumber: checkedNumber.describe(
      'The account number printed on bills (digits, the last a Luhn check digit)',
    ),
    holderFirstName: text(100),
    holderLastName: text(100).describe('Premium guest payers give this last name with the invoice number'),
    postalCode: z
      .string()
      .regex(/^\d{5}$/, '5 digits')
      .describe('ZIP code a guest gives with the account number'),
    personExternalId: externalId
      .nullish()
      .describe('The person whose bills the account carries: the patient, or the plan subscriber'),
    guarantors: z
      .array(externalId)
      .max(20)
      .default([])
      .describe('The people who pay the account (their externalIds): they see its bills when signed in'),
  })
  .superRefine((a, ctx) => {
    if (a.kind === 'premium' && !a.planType) {
      ctx.addIssue({
        code: 'custom',
        path: ['planType'],
        message: 'A premium account needs a plan type',
        params: { code: 'required' },
      });
    }
    if (a.kind === 'medical' && a.planType) {
      ctx.addIssue({
        code: 'custom',
        path: ['planType'],
        message: 'Only premium accounts have a plan type',
        params: { code: 'not_allowed' },
      });
    }
    const seen = new Set<string>();
    a.guarantors.forEach((g, i) => {
      if (seen.has(g)) {
        ctx.addIssue({
          code: 'custom',
          path: ['guarantors', i],
          message: `${g} is listed twice`,
          params: { code: 'duplicate' },
        });
      }
      seen.add(g);
    });
  })
  .describe('A medical guarantor account or a premium account. A PUT replaces the whole record.')
  .meta({
    examples: [
      {
        kind: 'medical',
        regionId: 'ncal',
        stateCode: 'CA',
        accountNumber: '4001200031',
        holderFirstName: 'Ana',
        holderLastName: 'Lima',
        postalCode: '94612',
        personExternalId: 'PAT-1001',
        guarantors: ['PAT-1001'],
      },
    ],
  });
export type AccountInput = z.infer<typeof accountInput>;

export const accountRecord = z.object({
  externalId: z.string(),
  kind: z.enum(['medical', 'premium']),
  planType: z.enum(['individual_family', 'employer_group']).nullable(),
  regionId: z.string(),
  stateCode: z.string(),
  accountNumber: z.string(),
  holderFirstName: z.string(),
  holderLastName: z.string(),
  postalCode: z.string(),
  personExternalId: z.string().nullable(),
  guarantors: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type AccountRecord = z.infer<typeof accountRecord>;

export const accountWriteView = z.object({ result: writeResult, account: accountRecord });
export type AccountWriteView = z.infer<typeof accountWriteView>;
