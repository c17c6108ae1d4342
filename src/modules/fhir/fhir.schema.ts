/**
 * The FHIR R4 shapes the adapter reads and writes, as zod schemas: the parts of each resource Settle
 * maps (decision 0037). Objects are loose: elements Settle does not map (meta, text, …) are allowed and
 * ignored, as a FHIR server ignores what it does not support; an element it maps is checked by type.
 */
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { z } from 'zod';
import { CODE, EXT, PATIENT_RESPONSIBILITY, SYSTEM } from './fhir.systems';

const str = (max = 1000) => z.string().max(max);

export const fhirCoding = z.looseObject({
  system: str().optional(),
  code: str(100).optional(),
  display: str().optional(),
});
export const fhirCodeableConcept = z.looseObject({
  coding: z.array(fhirCoding).max(20).optional(),
  text: str().optional(),
});
export const fhirIdentifier = z.looseObject({
  system: str(500).optional(),
  value: str(200).optional(),
  type: fhirCodeableConcept.optional(),
});
export const fhirReference = z.looseObject({ reference: str(500).optional(), display: str(200).optional() });
export const fhirMoney = z.looseObject({ value: z.number().optional(), currency: str(3).optional() });
export const fhirPeriod = z.looseObject({ start: str(40).optional(), end: str(40).optional() });
export const fhirExtension = z.looseObject({
  url: str(500),
  valueCode: str(100).optional(),
  valueString: str().optional(),
  valueDate: str(40).optional(),
  valuePeriod: fhirPeriod.optional(),
  valueMoney: fhirMoney.optional(),
});
const extensions = z.array(fhirExtension).max(50).optional();

export const fhirPatient = z.looseObject({
  resourceType: z.literal('Patient'),
  identifier: z.array(fhirIdentifier).max(20).optional(),
  extension: extensions,
  name: z
    .array(
      z.looseObject({
        use: str(20).optional(),
        family: str().optional(),
        given: z.array(str()).max(10).optional(),
      }),
    )
    .max(10)
    .optional(),
  telecom: z
    .array(z.looseObject({ system: str(20).optional(), value: str().optional(), use: str(20).optional() }))
    .max(20)
    .optional(),
  birthDate: str(40).optional(),
  address: z
    .array(
      z.looseObject({
        use: str(20).optional(),
        line: z.array(str()).max(5).optional(),
        city: str().optional(),
        state: str().optional(),
        postalCode: str().optional(),
      }),
    )
    .max(10)
    .optional(),
  communication: z
    .array(z.looseObject({ language: fhirCodeableConcept, preferred: z.boolean().optional() }))
    .max(10)
    .optional(),
});
export type FhirPatient = z.infer<typeof fhirPatient>;

export const fhirAccount = z.looseObject({
  resourceType: z.literal('Account'),
  identifier: z.array(fhirIdentifier).max(20).optional(),
  extension: extensions,
  status: str(40).optional(),
  type: fhirCodeableConcept.optional(),
  subject: z.array(fhirReference).max(10).optional(),
  guarantor: z
    .array(z.looseObject({ party: fhirReference }))
    .max(20)
    .optional(),
});
export type FhirAccount = z.infer<typeof fhirAccount>;

const priceComponent = z.looseObject({
  type: str(40),
  code: fhirCodeableConcept.optional(),
  amount: fhirMoney.optional(),
});

export const fhirInvoice = z.looseObject({
  resourceType: z.literal('Invoice'),
  identifier: z.array(fhirIdentifier).max(20).optional(),
  extension: extensions,
  status: str(40).optional(),
  type: fhirCodeableConcept.optional(),
  subject: fhirReference.optional(),
  account: fhirReference.optional(),
  date: str(40).optional(),
  lineItem: z
    .array(
      z.looseObject({
        chargeItemReference: fhirReference.optional(),
        chargeItemCodeableConcept: fhirCodeableConcept.optional(),
        priceComponent: z.array(priceComponent).max(20).optional(),
      }),
    )
    .max(200)
    .optional(),
  totalNet: fhirMoney.optional(),
  totalGross: fhirMoney.optional(),
  paymentTerms: str().optional(),
});
export type FhirInvoice = z.infer<typeof fhirInvoice>;

export const fhirChargeItem = z.looseObject({
  resourceType: z.literal('ChargeItem'),
  code: fhirCodeableConcept.optional(),
  subject: fhirReference.optional(),
  occurrenceDateTime: str(40).optional(),
  occurrencePeriod: fhirPeriod.optional(),
  performer: z
    .array(z.looseObject({ actor: fhirReference }))
    .max(10)
    .optional(),
  performingOrganization: fhirReference.optional(),
  priceOverride: fhirMoney.optional(),
});
export type FhirChargeItem = z.infer<typeof fhirChargeItem>;

// --- the transaction ------------------------------------------------------------------------------

/** The resource types a transaction may hold. */
export const TRANSACTION_TYPES = ['Patient', 'Account', 'Invoice', 'ChargeItem'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

const exampleBundle = {
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    {
      fullUrl: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000001',
      resource: {
        resourceType: 'Patient',
        identifier: [
          { system: SYSTEM.patient, value: 'P-1001' },
          { system: SYSTEM.mrn, value: 'MR100234' },
        ],
        extension: [{ url: EXT.region, valueCode: 'ncal' }],
        name: [{ family: 'Rivera', given: ['Maria'] }],
        birthDate: '1961-04-09',
        address: [{ line: ['1 Main St'], city: 'Oakland', state: 'CA', postalCode: '94612' }],
      },
      request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYSTEM.patient}|P-1001` },
    },
    {
      fullUrl: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000002',
      resource: {
        resourceType: 'Account',
        identifier: [
          { system: SYSTEM.account, value: 'A-2001' },
          { system: SYSTEM.accountNumber, value: '3000000004' },
        ],
        status: 'active',
        type: { coding: [{ system: CODE.accountKind, code: 'medical' }] },
        subject: [{ reference: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000001' }],
        guarantor: [{ party: { reference: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000001' } }],
      },
      request: { method: 'POST', url: 'Account', ifNoneExist: `identifier=${SYSTEM.account}|A-2001` },
    },
    {
      fullUrl: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000003',
      resource: {
        resourceType: 'ChargeItem',
        status: 'billable',
        code: { coding: [{ code: '99214' }], text: 'Office visit' },
        subject: { reference: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000001' },
        occurrenceDateTime: '2026-10-01',
        performer: [{ actor: { display: 'Dr. Ana Whitfield' } }],
        performingOrganization: { display: 'Evergreen Medical Center' },
      },
      request: { method: 'POST', url: 'ChargeItem' },
    },
    {
      fullUrl: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000004',
      resource: {
        resourceType: 'Invoice',
        identifier: [
          { system: SYSTEM.invoice, value: 'B-3001' },
          { system: SYSTEM.invoiceNumber, value: 'H100234' },
        ],
        status: 'issued',
        type: { coding: [{ system: CODE.billKind, code: 'hospital' }] },
        subject: { reference: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000001' },
        account: { reference: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000002' },
        date: '2026-10-20',
        extension: [{ url: EXT.dueDate, valueDate: '2026-12-10' }],
        lineItem: [
          {
            chargeItemReference: { reference: 'urn:uuid:5f0e5a2c-0000-4000-8000-000000000003' },
            priceComponent: [
              { type: 'base', amount: { value: 220, currency: 'USD' } },
              { type: 'deduction', amount: { value: 60, currency: 'USD' } },
              { type: 'discount', amount: { value: 40, currency: 'USD' } },
              {
                type: 'informational',
                code: { coding: [{ system: CODE.priceComponent, code: PATIENT_RESPONSIBILITY }] },
                amount: { value: 120, currency: 'USD' },
              },
            ],
          },
        ],
        totalNet: { value: 120, currency: 'USD' },
      },
      request: { method: 'POST', url: 'Invoice', ifNoneExist: `identifier=${SYSTEM.invoice}|B-3001` },
    },
  ],
};

/** The body of POST /fhir/R4: its structure (each resource is read in full by the service). */
export const transactionBundle = z
  .looseObject({
    resourceType: z.literal('Bundle'),
    type: z.enum(['transaction'], {
      message: 'This endpoint takes a transaction Bundle (type "transaction"); batch is not supported',
    }),
    entry: z
      .array(
        z.looseObject({
          fullUrl: str(200).optional(),
          resource: z.looseObject({ resourceType: str(64) }),
          request: z.looseObject({
            method: z.enum(['POST', 'PUT'], {
              message: 'Use POST (conditional create) or PUT (conditional update)',
            }),
            url: str(500),
            ifNoneExist: str(500).optional(),
          }),
        }),
      )
      .min(1)
      .max(400),
  })
  .describe('A FHIR R4 transaction Bundle of Patient, Account, ChargeItem and Invoice entries')
  .meta({ examples: [exampleBundle] });
export type TransactionBundle = z.infer<typeof transactionBundle>;

const bundleLink = z.object({ relation: z.string(), url: z.string() });

/**
 * A Bundle as the adapter answers it (transaction-response or searchset), for the document. Loose, so
 * the serializer passes every element on; typed as @medplum/fhirtypes' Bundle, which the services build
 * (zod cannot infer a FHIR resource's type, and an interface has no index signature to meet a loose one).
 */
export const responseBundle = z
  .looseObject({
    resourceType: z.literal('Bundle'),
    type: z.enum(['transaction-response', 'searchset']),
    timestamp: z.string().optional(),
    link: z.array(bundleLink).optional(),
    entry: z
      .array(
        z.looseObject({
          fullUrl: z.string().optional(),
          resource: z.looseObject({ resourceType: z.string() }).optional(),
          search: z.looseObject({ mode: z.string() }).optional(),
          response: z
            .looseObject({
              status: z.string().describe('`201 Created` or `200 OK`'),
              location: z.string().optional(),
              lastModified: z.string().optional(),
              outcome: z.looseObject({ resourceType: z.literal('OperationOutcome') }).optional(),
            })
            .optional(),
        }),
      )
      .optional(),
  })
  .describe('A FHIR R4 Bundle') as unknown as z.ZodType<Bundle>;

/** A single resource as the adapter answers it. */
export const fhirResource = z
  .looseObject({ resourceType: z.string(), id: z.string().optional() })
  .describe('A FHIR R4 resource') as unknown as z.ZodType<Resource>;

export const resourceIdParams = z.object({
  id: z.string().max(64).describe('The resource id (a UUID)'),
});

/** A `created` search value: a prefix (eq, ge, gt, le, lt; eq when left out) and a date or date-time. */
const createdValue = z
  .string()
  .max(40)
  .describe(
    'e.g. `ge2026-01-01`, `lt2026-02-01T00:00:00Z`: eq, ge, gt, le or lt and a date or date-time (UTC unless it says)',
  );

export const paymentSearchQuery = z.strictObject({
  created: z.union([createdValue, z.array(createdValue).max(4)]).optional(),
  _count: z.coerce.number().int().min(1).max(100).default(50).describe('Resources per page (1 to 100)'),
  _cursor: z
    .string()
    .max(200)
    .optional()
    .describe('Where a page starts: from the `next` link of the page before'),
  _format: z.enum(['json', 'application/fhir+json', 'application/json']).optional(),
});
export type PaymentSearchQuery = z.infer<typeof paymentSearchQuery>;

export type { OperationOutcome };
