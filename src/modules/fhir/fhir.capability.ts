/** GET /fhir/R4/metadata: what the adapter supports, as FHIR clients read it before anything else. */
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { Config } from '../../config';

const created = {
  name: 'created',
  type: 'date',
  documentation:
    'When the payment was made: eq, ge, gt, le or lt and a date or date-time (UTC unless it says); repeat to bound both ends',
} as const;

const inTransaction = (
  type: 'Patient' | 'Account' | 'ChargeItem' | 'Invoice',
  note: string,
): CapabilityStatementRestResource => ({
  type,
  documentation: `Written only inside a transaction Bundle (POST /fhir/R4). ${note}`,
  interaction: [
    { code: 'create' },
    { code: 'update' },
    ...(type === 'Invoice' ? [{ code: 'read' as const }] : []),
  ],
  conditionalCreate: type !== 'ChargeItem',
  conditionalUpdate: type !== 'ChargeItem',
});

export function capabilityStatement(config: Config): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-12-07',
    publisher: config.organization.name,
    kind: 'instance',
    software: { name: 'Settle' },
    implementation: {
      description: `${config.organization.name} bill payment (Settle)`,
      url: `${config.publicUrl}/fhir/R4`,
    },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'An adapter over Settle: intake writes and payment reads. Identifier systems, codes and extensions: https://settle.dev/fhir (README, decision 0037).',
        security: {
          description:
            'An API key as `Authorization: Bearer sk_…`. A transaction needs people:write, accounts:write and bills:write for the Patient, Account and Invoice/ChargeItem entries it holds; payment reads need payments:read; Invoice reads bills:read or bills:write.',
        },
        interaction: [{ code: 'transaction' }],
        resource: [
          inTransaction(
            'Patient',
            'Upserted by its identifier (https://settle.dev/fhir/sid/patient, else the MRN).',
          ),
          inTransaction('Account', 'Upserted by its identifier (https://settle.dev/fhir/sid/account).'),
          inTransaction('ChargeItem', 'Each is a line of an Invoice in the same bundle.'),
          inTransaction(
            'Invoice',
            'Upserted by its identifier (https://settle.dev/fhir/sid/invoice); a change is a new version.',
          ),
          {
            type: 'PaymentReconciliation',
            documentation:
              'One per payment, its details the Invoices it paid and the refunds that gave money back.',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [created],
          },
          {
            type: 'PaymentNotice',
            documentation: 'One per Invoice a payment paid.',
            interaction: [{ code: 'search-type' }],
            searchParam: [created],
          },
        ],
      },
    ],
  };
}
