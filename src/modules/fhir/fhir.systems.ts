/**
 * The URIs Settle's FHIR adapter names its identifiers, codes and extensions by (decision 0037). They
 * are fixed, the same in every deployment: an integrator writes them once into its interface engine.
 */
export const FHIR_BASE = 'https://settle.dev/fhir';

/** Identifier systems: the organization's own identifiers of its records (intake's `externalId`) and the printed numbers. */
export const SYSTEM = {
  /** Patient.identifier: the person's externalId. */
  patient: `${FHIR_BASE}/sid/patient`,
  /** Patient.identifier: the medical record number (MRN) printed on the ID card. */
  mrn: `${FHIR_BASE}/sid/mrn`,
  /** Account.identifier: the account's externalId. */
  account: `${FHIR_BASE}/sid/account`,
  /** Account.identifier: the account number printed on bills. */
  accountNumber: `${FHIR_BASE}/sid/account-number`,
  /** Invoice.identifier: the bill's externalId. */
  invoice: `${FHIR_BASE}/sid/invoice`,
  /** Invoice.identifier: the bill or invoice number printed on it. */
  invoiceNumber: `${FHIR_BASE}/sid/invoice-number`,
  /** PaymentReconciliation.identifier: the payment's confirmation number. */
  confirmation: `${FHIR_BASE}/sid/confirmation`,
} as const;

/** HL7 v2 table 0203: an identifier whose type is `MR` is a medical record number too. */
export const V2_IDENTIFIER_TYPE = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** Code systems. */
export const CODE = {
  /** Account.type: `medical` (a guarantor account) or `premium` (a plan account). */
  accountKind: `${FHIR_BASE}/CodeSystem/account-kind`,
  /** Invoice.type: `hospital`, `professional` or `premium`. */
  billKind: `${FHIR_BASE}/CodeSystem/bill-kind`,
  /** Invoice.lineItem.priceComponent.code of an `informational` component: `patient-responsibility`. */
  priceComponent: `${FHIR_BASE}/CodeSystem/price-component`,
  /** Errors: OperationOutcome.issue.details.coding, our stable error codes. */
  problem: 'https://settle.dev/problems',
  paymentType: 'http://terminology.hl7.org/CodeSystem/payment-type',
  paymentStatus: 'http://terminology.hl7.org/CodeSystem/paymentstatus',
} as const;

/** Extensions (StructureDefinition URLs). */
export const EXT = {
  /** Patient and Account: valueCode, a region of the organization (GET /api/v1/organization). */
  region: `${FHIR_BASE}/StructureDefinition/region`,
  /** Account (premium): valueCode `individual_family` or `employer_group`. */
  planType: `${FHIR_BASE}/StructureDefinition/plan-type`,
  /** Invoice: valueDate, when the bill is due. */
  dueDate: `${FHIR_BASE}/StructureDefinition/due-date`,
  /** Invoice (hospital, professional): valueDate of the visit; the earliest line's date when left out. */
  visitDate: `${FHIR_BASE}/StructureDefinition/visit-date`,
  /** Invoice (premium): valuePeriod, the coverage the premium pays for. */
  coveragePeriod: `${FHIR_BASE}/StructureDefinition/coverage-period`,
  /** Invoice (read): valueMoney, what is left to pay. */
  balance: `${FHIR_BASE}/StructureDefinition/balance`,
} as const;

export const PATIENT_RESPONSIBILITY = 'patient-responsibility';
