import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { CODE, EXT, PATIENT_RESPONSIBILITY, SYSTEM } from '../src/modules/fhir/fhir.systems';
import { checkedNumber, newExternalId } from './intake';

/** FHIR transaction bundles an integrator would send, every identifier fresh. */

export interface BundleIds {
  patient: string;
  mrn: string;
  account: string;
  accountNumber: string;
  invoice: string;
  invoiceNumber: string;
}

export function freshIds(): BundleIds {
  return {
    patient: newExternalId('fp'),
    mrn: `MR${randomInt(10_000_000, 99_999_999)}`,
    account: newExternalId('fa'),
    accountNumber: checkedNumber('3'),
    invoice: newExternalId('fb'),
    invoiceNumber: `H${checkedNumber('8', 9)}`,
  };
}

const usd = (cents: number) => ({ value: cents / 100, currency: 'USD' });

/** A line: charge = owed + 60.00 insurance paid + 40.00 adjustment. */
export function lineItem(chargeItemUrl: string, owed: number) {
  return {
    chargeItemReference: { reference: chargeItemUrl },
    priceComponent: [
      { type: 'base', amount: usd(owed + 10_000) },
      { type: 'deduction', amount: usd(6_000) },
      { type: 'discount', amount: usd(4_000) },
      {
        type: 'informational',
        code: { coding: [{ system: CODE.priceComponent, code: PATIENT_RESPONSIBILITY }] },
        amount: usd(owed),
      },
    ],
  };
}

/** Patient, Account, a ChargeItem per line and the Invoice, in that order (entries 0, 1, 2…, last). */
export function fhirBundle(ids: BundleIds, owed: number[] = [12_000, 3_000]) {
  const url = () => `urn:uuid:${randomUUID()}`;
  const patientUrl = url();
  const accountUrl = url();
  const chargeUrls = owed.map(url);
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: patientUrl,
        resource: {
          resourceType: 'Patient',
          identifier: [
            { system: SYSTEM.patient, value: ids.patient },
            { system: SYSTEM.mrn, value: ids.mrn },
          ],
          extension: [{ url: EXT.region, valueCode: 'ncal' }],
          name: [{ use: 'official', family: 'Rivera', given: ['Maria', 'Luisa'] }],
          birthDate: '1961-04-09',
          telecom: [
            { system: 'phone', value: '+15105550123', use: 'mobile' },
            { system: 'email', value: 'maria.rivera@example.org' },
          ],
          address: [{ use: 'home', line: ['1 Main St'], city: 'Oakland', state: 'CA', postalCode: '94612' }],
          communication: [
            { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es-MX' }] }, preferred: true },
          ],
        },
        request: {
          method: 'POST',
          url: 'Patient',
          ifNoneExist: `identifier=${SYSTEM.patient}|${ids.patient}`,
        },
      },
      {
        fullUrl: accountUrl,
        resource: {
          resourceType: 'Account',
          identifier: [
            { system: SYSTEM.account, value: ids.account },
            { system: SYSTEM.accountNumber, value: ids.accountNumber },
          ],
          status: 'active',
          type: { coding: [{ system: CODE.accountKind, code: 'medical' }] },
          subject: [{ reference: patientUrl }],
          guarantor: [{ party: { reference: patientUrl } }],
        },
        request: {
          method: 'POST',
          url: 'Account',
          ifNoneExist: `identifier=${SYSTEM.account}|${ids.account}`,
        },
      },
      ...owed.map((_, i) => ({
        fullUrl: chargeUrls[i],
        resource: {
          resourceType: 'ChargeItem',
          status: 'billable',
          code: {
            coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99214' }],
            text: `Service ${i + 1}`,
          },
          subject: { reference: patientUrl },
          occurrenceDateTime: i === 0 ? '2026-10-01T09:30:00-07:00' : '2026-10-02',
          performer: [{ actor: { display: 'Dr. Ana Whitfield' } }],
          performingOrganization: { display: 'Evergreen Medical Center' },
        },
        request: { method: 'POST', url: 'ChargeItem' },
      })),
      {
        fullUrl: url(),
        resource: {
          resourceType: 'Invoice',
          identifier: [
            { system: SYSTEM.invoice, value: ids.invoice },
            { system: SYSTEM.invoiceNumber, value: ids.invoiceNumber },
          ],
          status: 'issued',
          type: { coding: [{ system: CODE.billKind, code: 'hospital' }] },
          subject: { reference: patientUrl },
          account: { reference: accountUrl },
          date: '2026-10-20',
          extension: [{ url: EXT.dueDate, valueDate: '2026-12-10' }],
          lineItem: owed.map((o, i) => lineItem(chargeUrls[i]!, o)),
          totalNet: usd(owed.reduce((a, b) => a + b, 0)),
          totalGross: usd(owed.reduce((a, b) => a + b + 10_000, 0)),
        },
        request: {
          method: 'POST',
          url: 'Invoice',
          ifNoneExist: `identifier=${SYSTEM.invoice}|${ids.invoice}`,
        },
      },
    ],
  };
}

export type FhirBundleBody = ReturnType<typeof fhirBundle>;

export function fhirClient(app: FastifyInstance, headers: { authorization: string }) {
  return {
    transaction: (body: unknown, contentType = 'application/fhir+json') =>
      app.inject({
        method: 'POST',
        url: '/fhir/R4',
        headers: { ...headers, 'content-type': contentType },
        payload: JSON.stringify(body),
      }),
    get: (url: string, extra: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url, headers: { ...headers, ...extra } }),
  };
}
