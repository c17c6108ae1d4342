/**
 * A FHIR transaction Bundle mapped onto intake's inputs, without I/O (decision 0037): each Patient
 * becomes a person, each Account an account, each Invoice with the ChargeItems its lines reference a
 * bill. Every problem is collected (not only the first) as a field error whose `field` is the FHIRPath
 * of the element at fault; intake's own refusals, named by its field paths, are translated back the
 * same way (`Translate`).
 */
import type { z } from 'zod';
import type { FieldError } from '../../errors';
import {
  type AccountInput,
  accountInput,
  externalId as externalIdSchema,
  type PersonInput,
  personInput,
} from '../intake/intake.schema';
import { type BillInput, billInput } from '../intake/intake-bills.schema';
import { moneyValueToCents } from './fhir.money';
import { parseIdentifierQuery, parseReference } from './fhir.references';
import {
  type FhirAccount,
  type FhirChargeItem,
  type FhirInvoice,
  type FhirPatient,
  fhirAccount,
  fhirChargeItem,
  fhirInvoice,
  fhirPatient,
  TRANSACTION_TYPES,
  type TransactionBundle,
  type TransactionType,
} from './fhir.schema';
import { CODE, EXT, PATIENT_RESPONSIBILITY, SYSTEM, V2_IDENTIFIER_TYPE } from './fhir.systems';

/**
 * Stands in for a reference that did not resolve (its problem is collected where it was found), so
 * that intake's schema does not name the same element again.
 */
const UNRESOLVED = 'unresolved';

/** An intake field path (`lines.2.chargeCents`) as the FHIRPath of the element it came from. */
export type Translate = (intakeField: string) => string;

interface Step {
  /** The entry's index in the bundle. */
  index: number;
  externalId: string;
  translate: Translate;
}
export interface PersonStep extends Step {
  input: PersonInput;
}
export interface AccountStep extends Step {
  input: AccountInput;
}
export interface BillStep extends Step {
  input: BillInput;
  /** The entries of the ChargeItems that are its lines, in line order. */
  chargeItems: number[];
}

export interface TransactionPlan {
  people: PersonStep[];
  accounts: AccountStep[];
  bills: BillStep[];
  /** Each ChargeItem entry: the Invoice entry it is a line of, and which line. */
  lineOf: Map<number, { invoice: number; line: number }>;
}

/** A person Settle holds that an Account names (the account holder's name, region and address come from it). */
export interface KnownPerson {
  id: string;
  externalId: string | null;
  firstName: string;
  lastName: string;
  regionId: string;
  state: string | null;
  postalCode: string | null;
}

/** Records outside the bundle that its references name, looked up before mapping. */
export interface KnownRecords {
  peopleById: ReadonlyMap<string, KnownPerson>;
  peopleByExternalId: ReadonlyMap<string, KnownPerson>;
  accountsById: ReadonlyMap<string, { externalId: string | null }>;
}

export type MappingResult =
  | { ok: true; plan: TransactionPlan }
  | { ok: false; errors: FieldError[]; references: FieldError[] };

/** The scope each resource type needs in a transaction. */
export const SCOPE_OF: Record<TransactionType, 'people:write' | 'accounts:write' | 'bills:write'> = {
  Patient: 'people:write',
  Account: 'accounts:write',
  Invoice: 'bills:write',
  ChargeItem: 'bills:write',
};

function isTransactionType(type: string): type is TransactionType {
  return (TRANSACTION_TYPES as readonly string[]).includes(type);
}

/** A translation from intake's field paths: the longest mapped prefix, else the resource. */
function translator(root: string, paths: Map<string, string>): Translate {
  return (field) => {
    const parts = field.split('.');
    for (let n = parts.length; n > 0; n--) {
      const found = paths.get(parts.slice(0, n).join('.'));
      if (found) return found;
    }
    return root;
  };
}

/** The date part of a FHIR date or dateTime (the day as the sender wrote it); other text as it is, for intake to refuse. */
function dateOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) ? value.slice(0, 10) : value;
}

class Collector {
  readonly errors: FieldError[] = [];
  readonly references: FieldError[] = [];
  add(field: string, code: string, message: string): void {
    this.errors.push({ field, code, message });
  }
  reference(field: string, message: string): void {
    this.references.push({ field, code: 'unresolvable_reference', message });
  }
  /** Intake's refusals of a candidate input, named by FHIRPath. */
  intake<T>(schema: z.ZodType<T>, candidate: unknown, translate: Translate): T | null {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const custom = (issue as { params?: { code?: unknown } }).params?.code;
      const field = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') continue; // candidates are built from known fields only
      this.add(translate(field), typeof custom === 'string' ? custom : issue.code, issue.message);
    }
    return null;
  }
}

interface EntryContext {
  index: number;
  root: string;
  request: TransactionBundle['entry'][number]['request'];
}

/** What identifies an entry's record: the identifier its request names, else its first identifier of `systems`. */
function keyOf(
  ctx: EntryContext,
  type: TransactionType,
  identifiers: { system?: string | undefined; value?: string | undefined }[] | undefined,
  systems: readonly string[],
  c: Collector,
): { value: string; path: string } | null {
  const { request, root, index } = ctx;
  const requestPath = `Bundle.entry[${index}].request`;
  let named: { system: string; value: string } | null = null;
  if (request.method === 'PUT') {
    const match = new RegExp(`^${type}\\?(.+)$`).exec(request.url);
    named = match ? parseIdentifierQuery(match[1]!) : null;
    if (!named) {
      c.add(
        `${requestPath}.url`,
        'not_supported',
        `A PUT is a conditional update: ${type}?identifier=system|value (an update by id is not supported)`,
      );
      return null;
    }
  } else {
    if (request.url !== type) c.add(`${requestPath}.url`, 'invalid', `A POST of a ${type} goes to "${type}"`);
    if (request.ifNoneExist !== undefined) {
      named = parseIdentifierQuery(request.ifNoneExist);
      if (!named) {
        c.add(`${requestPath}.ifNoneExist`, 'not_supported', 'Only identifier=system|value is supported');
        return null;
      }
    }
  }
  const where = request.method === 'PUT' ? `${requestPath}.url` : `${requestPath}.ifNoneExist`;
  if (named && !systems.includes(named.system)) {
    c.add(where, 'unknown_system', `Identify a ${type} by the system ${systems.join(' or ')}`);
    return null;
  }
  const list = identifiers ?? [];
  const position = named
    ? list.findIndex((i) => i.system === named.system && i.value === named.value)
    : systems.map((s) => list.findIndex((i) => i.system === s && i.value !== undefined)).find((p) => p >= 0);
  if (position === undefined || position < 0) {
    if (named)
      c.add(
        where,
        'identifier_not_in_resource',
        `The ${type} has no identifier ${named.system}|${named.value}`,
      );
    else
      c.add(`${root}.identifier`, 'required', `A ${type} needs an identifier with the system ${systems[0]}`);
    return null;
  }
  const value = list[position]!.value ?? '';
  const path = `${root}.identifier[${position}].value`;
  const ok = externalIdSchema.safeParse(value);
  if (!ok.success) {
    c.add(path, 'invalid', ok.error.issues[0]?.message ?? 'Not a valid identifier');
    return null;
  }
  return { value, path };
}

function extensionOf(
  extensions: FhirPatient['extension'],
  url: string,
  root: string,
): { value: NonNullable<FhirPatient['extension']>[number]; path: string } | null {
  const position = (extensions ?? []).findIndex((e) => e.url === url);
  return position < 0 ? null : { value: extensions![position]!, path: `${root}.extension[${position}]` };
}

/** A Money as cents, or null with the problem collected (a currency other than the organization's, a fraction of a cent). */
function centsOf(
  money: { value?: number | undefined; currency?: string | undefined } | undefined,
  path: string,
  c: Collector,
): number | undefined {
  if (!money) return undefined;
  if (money.currency !== undefined && money.currency !== 'USD') {
    c.add(`${path}.currency`, 'currency', 'Amounts are in USD');
  }
  if (money.value === undefined) {
    c.add(`${path}.value`, 'required', 'An amount needs its value');
    return undefined;
  }
  const cents = moneyValueToCents(money.value);
  if (!cents.ok) {
    c.add(`${path}.value`, 'invalid_amount', cents.message);
    return undefined;
  }
  return cents.cents;
}

function codeIn(
  concept: { coding?: { system?: string | undefined; code?: string | undefined }[] | undefined } | undefined,
  system: string,
) {
  const position = (concept?.coding ?? []).findIndex((coding) => coding.system === system);
  return position < 0 ? null : { code: concept!.coding![position]!.code, position };
}

// --- Patient → person -----------------------------------------------------------------------------

function mapPatient(ctx: EntryContext, r: FhirPatient, c: Collector): PersonStep | null {
  const { root } = ctx;
  const key = keyOf(ctx, 'Patient', r.identifier, [SYSTEM.patient, SYSTEM.mrn], c);
  const paths = new Map<string, string>();
  const identifiers = r.identifier ?? [];
  let mrn = identifiers.findIndex((i) => i.system === SYSTEM.mrn);
  if (mrn < 0) mrn = identifiers.findIndex((i) => codeIn(i.type, V2_IDENTIFIER_TYPE)?.code === 'MR');
  if (mrn < 0) {
    c.add(
      `${root}.identifier`,
      'required',
      `A Patient needs its medical record number: an identifier with the system ${SYSTEM.mrn} (or of type MR)`,
    );
  }
  paths.set('medicalRecordNumber', `${root}.identifier[${Math.max(mrn, 0)}].value`);

  const names = r.name ?? [];
  const nameAt = Math.max(
    0,
    names.findIndex((n) => n.use === 'official' || n.use === 'usual'),
  );
  const name = names[nameAt];
  paths.set('firstName', `${root}.name[${nameAt}].given`);
  paths.set('lastName', `${root}.name[${nameAt}].family`);
  paths.set('birthDate', `${root}.birthDate`);

  const region = extensionOf(r.extension, EXT.region, root);
  paths.set('regionId', region ? `${region.path}.valueCode` : `${root}.extension`);

  const communication = r.communication ?? [];
  const spoken = Math.max(
    0,
    communication.findIndex((l) => l.preferred === true),
  );
  // Portal languages only; another language leaves the preference unset (the organization's default).
  const tag = (communication[spoken]?.language.coding ?? []).map((l) => l.code).find(Boolean) ?? '';
  const language = tag.toLowerCase().split('-')[0];

  const telecom = r.telecom ?? [];
  const email = telecom.findIndex((t) => t.system === 'email');
  const phones = telecom.flatMap((t, i) => (t.system === 'phone' || t.system === 'sms' ? [i] : []));
  const phone = phones.find((i) => telecom[i]!.use === 'mobile') ?? phones[0];
  if (email >= 0) paths.set('email', `${root}.telecom[${email}].value`);
  if (phone !== undefined) paths.set('phone', `${root}.telecom[${phone}].value`);

  const addresses = r.address ?? [];
  const addressAt = Math.max(
    0,
    addresses.findIndex((a) => a.use === 'home'),
  );
  const address = addresses[addressAt];
  const a = `${root}.address[${addressAt}]`;
  paths.set('postalAddress', a);
  paths.set('postalAddress.line1', `${a}.line[0]`);
  paths.set('postalAddress.line2', `${a}.line[1]`);
  paths.set('postalAddress.city', `${a}.city`);
  paths.set('postalAddress.state', `${a}.state`);
  paths.set('postalAddress.postalCode', `${a}.postalCode`);

  const translate = translator(root, paths);
  const input = c.intake(
    personInput,
    {
      medicalRecordNumber: mrn >= 0 ? identifiers[mrn]!.value : undefined,
      firstName: name?.given?.join(' '),
      lastName: name?.family,
      birthDate: r.birthDate,
      regionId: region?.value.valueCode,
      preferredLanguage: language === 'en' || language === 'es' ? language : null,
      email: email >= 0 ? telecom[email]!.value : null,
      phone: phone !== undefined ? telecom[phone]!.value : null,
      postalAddress: address
        ? {
            line1: address.line?.[0],
            line2: address.line?.[1] ?? null,
            city: address.city,
            state: address.state,
            postalCode: address.postalCode,
          }
        : null,
    },
    translate,
  );
  if (!key || !input) return null;
  return { index: ctx.index, externalId: key.value, translate, input };
}

// --- references between entries ---------------------------------------------------------------------

interface Resolver {
  fullUrls: ReadonlyMap<string, number>;
  known: KnownRecords;
  types: readonly string[];
  people: ReadonlyMap<number, PersonStep>;
  accounts: ReadonlyMap<number, AccountStep>;
}

/** A reference to a Patient: its externalId and, when known, what an account holder takes from it. */
function resolvePatient(
  reference: string | undefined,
  path: string,
  r: Resolver,
  c: Collector,
): { externalId: string; holder: KnownPerson | PersonInput | null } | null {
  if (reference === undefined) {
    c.add(path, 'required', 'A reference to a Patient');
    return null;
  }
  const parsed = parseReference(reference, r.fullUrls);
  if (parsed?.kind === 'entry') {
    if (r.types[parsed.index] !== 'Patient') {
      c.add(path, 'invalid', `Entry ${parsed.index} is a ${r.types[parsed.index]}, not a Patient`);
      return null;
    }
    const step = r.people.get(parsed.index);
    return step ? { externalId: step.externalId, holder: step.input } : null; // its own problems are collected
  }
  if (parsed?.kind === 'id' && parsed.type === 'Patient') {
    const person = r.known.peopleById.get(parsed.id.toLowerCase());
    if (!person?.externalId) {
      c.reference(path, `No ${reference} (send it in this bundle, or give its identifier)`);
      return null;
    }
    return { externalId: person.externalId, holder: person };
  }
  if (parsed?.kind === 'identifier' && parsed.type === 'Patient' && parsed.system === SYSTEM.patient) {
    return { externalId: parsed.value, holder: r.known.peopleByExternalId.get(parsed.value) ?? null };
  }
  if (reference.startsWith('urn:')) c.reference(path, `No entry of this bundle has the fullUrl ${reference}`);
  else
    c.add(
      path,
      'invalid',
      `Refer to a Patient by an entry's fullUrl, Patient/{id} or Patient?identifier=${SYSTEM.patient}|…`,
    );
  return null;
}

function resolveAccount(
  reference: string | undefined,
  path: string,
  r: Resolver,
  c: Collector,
): string | null {
  if (reference === undefined) {
    c.add(path, 'required', 'An Invoice needs its account');
    return null;
  }
  const parsed = parseReference(reference, r.fullUrls);
  if (parsed?.kind === 'entry') {
    if (r.types[parsed.index] !== 'Account') {
      c.add(path, 'invalid', `Entry ${parsed.index} is a ${r.types[parsed.index]}, not an Account`);
      return null;
    }
    return r.accounts.get(parsed.index)?.externalId ?? null;
  }
  if (parsed?.kind === 'id' && parsed.type === 'Account') {
    const account = r.known.accountsById.get(parsed.id.toLowerCase());
    if (!account?.externalId) {
      c.reference(path, `No ${reference} (send it in this bundle, or give its identifier)`);
      return null;
    }
    return account.externalId;
  }
  if (parsed?.kind === 'identifier' && parsed.type === 'Account' && parsed.system === SYSTEM.account)
    return parsed.value;
  if (reference.startsWith('urn:')) c.reference(path, `No entry of this bundle has the fullUrl ${reference}`);
  else
    c.add(
      path,
      'invalid',
      `Refer to an Account by an entry's fullUrl, Account/{id} or Account?identifier=${SYSTEM.account}|…`,
    );
  return null;
}

// --- Account → account ------------------------------------------------------------------------------

function holderParts(holder: KnownPerson | PersonInput) {
  if (!('id' in holder)) {
    return {
      firstName: holder.firstName,
      lastName: holder.lastName,
      regionId: holder.regionId,
      state: holder.postalAddress?.state ?? null,
      postalCode: holder.postalAddress?.postalCode ?? null,
    };
  }
  return holder;
}

function mapAccount(ctx: EntryContext, r: FhirAccount, resolver: Resolver, c: Collector): AccountStep | null {
  const { root } = ctx;
  const key = keyOf(ctx, 'Account', r.identifier, [SYSTEM.account], c);
  const paths = new Map<string, string>();
  const identifiers = r.identifier ?? [];
  const number = identifiers.findIndex((i) => i.system === SYSTEM.accountNumber);
  paths.set('accountNumber', number >= 0 ? `${root}.identifier[${number}].value` : `${root}.identifier`);
  const kind = codeIn(r.type, CODE.accountKind);
  paths.set('kind', kind ? `${root}.type.coding[${kind.position}].code` : `${root}.type`);
  const plan = extensionOf(r.extension, EXT.planType, root);
  paths.set('planType', plan ? `${plan.path}.valueCode` : `${root}.extension`);

  const subject = r.subject?.[0];
  if ((r.subject?.length ?? 0) > 1)
    c.add(`${root}.subject[1]`, 'not_supported', 'An account carries the bills of one Patient');
  const subjectPath = `${root}.subject[0].reference`;
  const person = subject ? resolvePatient(subject.reference, subjectPath, resolver, c) : null;
  paths.set('personExternalId', subjectPath);
  const guarantors = (r.guarantor ?? []).map((g, i) => {
    const path = `${root}.guarantor[${i}].party.reference`;
    paths.set(`guarantors.${i}`, path);
    return resolvePatient(g.party.reference, path, resolver, c);
  });

  // The account holder: the first guarantor, else the subject. Their name, region and address are the account's.
  const holder = guarantors[0] ?? person;
  const holderPath = guarantors[0] ? `${root}.guarantor[0].party.reference` : subjectPath;
  const parts = holder?.holder ? holderParts(holder.holder) : null;
  if (!subject && guarantors.length === 0) {
    c.add(
      `${root}.guarantor`,
      'required',
      'An Account needs a guarantor or a subject Patient: the account holder',
    );
  } else if (holder && !holder.holder) {
    c.reference(holderPath, 'The account holder is not known: send the Patient in this bundle');
  } else if (parts && (!parts.state || !parts.postalCode)) {
    c.add(
      holderPath,
      'holder_address',
      "The account holder's Patient needs an address with state and postal code (the account's)",
    );
  }
  const region = extensionOf(r.extension, EXT.region, root);
  for (const field of ['holderFirstName', 'holderLastName', 'stateCode', 'postalCode'])
    paths.set(field, holderPath);
  paths.set('regionId', region ? `${region.path}.valueCode` : holderPath);

  const translate = translator(root, paths);
  // Without a holder (its problem is collected above), stand-ins keep intake from naming the same problem again.
  const holderFields = parts ?? {
    firstName: '-',
    lastName: '-',
    regionId: '-',
    state: 'XX',
    postalCode: '00000',
  };
  const input = c.intake(
    accountInput,
    {
      kind: kind?.code,
      planType: plan?.value.valueCode ?? null,
      regionId: region?.value.valueCode ?? holderFields.regionId,
      stateCode: holderFields.state ?? undefined,
      accountNumber: number >= 0 ? identifiers[number]!.value : undefined,
      holderFirstName: holderFields.firstName,
      holderLastName: holderFields.lastName,
      postalCode: holderFields.postalCode?.slice(0, 5),
      personExternalId: person?.externalId ?? (subject ? UNRESOLVED : null),
      guarantors: guarantors.map((g) => g?.externalId ?? UNRESOLVED),
    },
    translate,
  );
  if (!key || !input || guarantors.some((g) => !g) || (subject && !person) || !parts) return null;
  return { index: ctx.index, externalId: key.value, translate, input };
}

// --- Invoice and its ChargeItems → bill -------------------------------------------------------------

interface MappedLine {
  input: Record<string, unknown>;
  chargeItem: number;
  chargeCents: number;
}

function mapLine(
  item: NonNullable<FhirInvoice['lineItem']>[number],
  itemPath: string,
  n: number,
  resolver: Resolver,
  chargeItems: ReadonlyMap<number, FhirChargeItem>,
  paths: Map<string, string>,
  c: Collector,
): MappedLine | null {
  if (!item.chargeItemReference) {
    c.add(
      item.chargeItemCodeableConcept ? `${itemPath}.chargeItemCodeableConcept` : itemPath,
      'not_supported',
      'Each line references a ChargeItem entry of this bundle (chargeItemReference)',
    );
    return null;
  }
  const refPath = `${itemPath}.chargeItemReference.reference`;
  const reference = item.chargeItemReference.reference ?? '';
  const parsed = parseReference(reference, resolver.fullUrls);
  if (parsed?.kind !== 'entry') {
    if (reference.startsWith('urn:'))
      c.reference(refPath, `No entry of this bundle has the fullUrl ${reference}`);
    else
      c.add(refPath, 'invalid', "A line's ChargeItem is an entry of this bundle, referenced by its fullUrl");
    return null;
  }
  if (resolver.types[parsed.index] !== 'ChargeItem') {
    c.add(refPath, 'invalid', `Entry ${parsed.index} is a ${resolver.types[parsed.index]}, not a ChargeItem`);
    return null;
  }
  const ci = chargeItems.get(parsed.index);
  if (!ci) return null; // its own problems are collected
  const ciRoot = `Bundle.entry[${parsed.index}].resource`;
  const line = `lines.${n}`;
  const coding = ci.code?.coding?.[0];
  paths.set(`${line}.code`, `${ciRoot}.code.coding[0].code`);
  paths.set(`${line}.description`, ci.code?.text !== undefined ? `${ciRoot}.code.text` : `${ciRoot}.code`);
  const occurrence = ci.occurrenceDateTime ?? ci.occurrencePeriod?.start;
  paths.set(
    `${line}.serviceDate`,
    ci.occurrenceDateTime !== undefined ? `${ciRoot}.occurrenceDateTime` : `${ciRoot}.occurrencePeriod.start`,
  );

  const components = item.priceComponent ?? [];
  let charge: number | undefined;
  let insurance = 0;
  let adjustment = 0;
  let owed: number | undefined;
  components.forEach((p, i) => {
    const path = `${itemPath}.priceComponent[${i}]`;
    const amount = centsOf(p.amount, `${path}.amount`, c) ?? 0;
    const key =
      p.type === 'base'
        ? 'chargeCents'
        : p.type === 'deduction'
          ? 'insurancePaidCents'
          : p.type === 'discount'
            ? 'adjustmentCents'
            : p.type === 'informational' &&
                codeIn(p.code, CODE.priceComponent)?.code === PATIENT_RESPONSIBILITY
              ? 'patientResponsibilityCents'
              : null;
    if (!key) {
      c.add(
        `${path}.type`,
        'not_supported',
        'Price components: base (charge), deduction (insurance paid), discount (adjustment), informational patient-responsibility',
      );
      return;
    }
    if (!paths.has(`${line}.${key}`)) paths.set(`${line}.${key}`, `${path}.amount.value`);
    if (key === 'chargeCents') charge = (charge ?? 0) + amount;
    else if (key === 'insurancePaidCents') insurance += amount;
    else if (key === 'adjustmentCents') adjustment += amount;
    else owed = (owed ?? 0) + amount;
  });
  if (charge === undefined && ci.priceOverride) {
    charge = centsOf(ci.priceOverride, `${ciRoot}.priceOverride`, c);
    paths.set(`${line}.chargeCents`, `${ciRoot}.priceOverride.value`);
  }
  if (charge === undefined) {
    c.add(
      itemPath,
      'required',
      'A line needs its charge: a base price component, or the ChargeItem’s priceOverride',
    );
    return null;
  }
  if (!paths.has(`${line}.patientResponsibilityCents`))
    paths.set(`${line}.patientResponsibilityCents`, `${itemPath}.priceComponent`);
  for (const key of ['insurancePaidCents', 'adjustmentCents']) {
    if (!paths.has(`${line}.${key}`)) paths.set(`${line}.${key}`, `${itemPath}.priceComponent`);
  }
  paths.set(line, itemPath);
  return {
    chargeItem: parsed.index,
    chargeCents: charge,
    input: {
      serviceDate: dateOf(occurrence) ?? null,
      code: coding?.code ?? null,
      description: ci.code?.text ?? coding?.display,
      chargeCents: charge,
      insurancePaidCents: insurance,
      adjustmentCents: adjustment,
      patientResponsibilityCents: owed ?? charge - insurance - adjustment,
    },
  };
}

function mapInvoice(
  ctx: EntryContext,
  r: FhirInvoice,
  resolver: Resolver,
  chargeItems: ReadonlyMap<number, FhirChargeItem>,
  c: Collector,
): BillStep | null {
  const { root } = ctx;
  const key = keyOf(ctx, 'Invoice', r.identifier, [SYSTEM.invoice], c);
  const paths = new Map<string, string>();
  const identifiers = r.identifier ?? [];
  const number = identifiers.findIndex((i) => i.system === SYSTEM.invoiceNumber);
  paths.set('number', number >= 0 ? `${root}.identifier[${number}].value` : `${root}.identifier`);
  if (r.status && !['issued', 'balanced', 'draft'].includes(r.status)) {
    c.add(`${root}.status`, 'not_supported', 'Void a bill with POST /api/v1/bills/{externalId}/void');
  }
  const kind = codeIn(r.type, CODE.billKind);
  paths.set('kind', kind ? `${root}.type.coding[${kind.position}].code` : `${root}.type`);
  const accountPath = `${root}.account.reference`;
  paths.set('accountExternalId', accountPath);
  const account = resolveAccount(r.account?.reference, accountPath, resolver, c);
  const subjectPath = `${root}.subject.reference`;
  paths.set('patientExternalId', subjectPath);
  const patient = r.subject ? resolvePatient(r.subject.reference, subjectPath, resolver, c) : null;
  paths.set('statementDate', `${root}.date`);
  const due = extensionOf(r.extension, EXT.dueDate, root);
  paths.set('dueDate', due ? `${due.path}.valueDate` : `${root}.extension`);
  const visit = extensionOf(r.extension, EXT.visitDate, root);
  const coverage = extensionOf(r.extension, EXT.coveragePeriod, root);
  paths.set('coverageStart', coverage ? `${coverage.path}.valuePeriod.start` : `${root}.extension`);
  paths.set('coverageEnd', coverage ? `${coverage.path}.valuePeriod.end` : `${root}.extension`);
  paths.set('lines', `${root}.lineItem`);

  const lines = (r.lineItem ?? []).map((item, n) =>
    mapLine(item, `${root}.lineItem[${n}]`, n, resolver, chargeItems, paths, c),
  );
  const mapped = lines.filter((l): l is MappedLine => l !== null);
  const first = mapped.map((l) => ({ l, ci: chargeItems.get(l.chargeItem)! }));
  // The bill's provider and facility: the first line's ChargeItem that names them.
  const withProvider = first.find(({ ci }) => ci.performer?.[0]?.actor.display !== undefined);
  const withFacility = first.find(({ ci }) => ci.performingOrganization?.display !== undefined);
  if (withProvider)
    paths.set('provider', `Bundle.entry[${withProvider.l.chargeItem}].resource.performer[0].actor.display`);
  if (withFacility) {
    paths.set(
      'facility',
      `Bundle.entry[${withFacility.l.chargeItem}].resource.performingOrganization.display`,
    );
  }
  const serviceDates = mapped
    .map((l) => l.input.serviceDate)
    .filter((d): d is string => typeof d === 'string');
  const earliest = serviceDates.sort()[0];
  paths.set('visitDate', visit ? `${visit.path}.valueDate` : `${root}.lineItem`);

  const owed = mapped.reduce((sum, l) => sum + Number(l.input.patientResponsibilityCents), 0);
  const total = r.totalNet ? centsOf(r.totalNet, `${root}.totalNet`, c) : owed;
  paths.set('totalCents', r.totalNet ? `${root}.totalNet.value` : `${root}.lineItem`);
  if (r.totalGross) {
    const gross = centsOf(r.totalGross, `${root}.totalGross`, c);
    const charges = mapped.reduce((sum, l) => sum + l.chargeCents, 0);
    if (gross !== undefined && gross !== charges) {
      c.add(
        `${root}.totalGross.value`,
        'total_mismatch',
        `The lines' charges add up to ${(charges / 100).toFixed(2)}`,
      );
    }
  }
  const premium = kind?.code === 'premium';
  const translate = translator(root, paths);
  const input = c.intake(
    billInput,
    {
      accountExternalId: account ?? UNRESOLVED,
      patientExternalId: patient?.externalId ?? (r.subject ? UNRESOLVED : null),
      kind: kind?.code,
      number: number >= 0 ? identifiers[number]!.value : undefined,
      provider: withProvider?.ci.performer?.[0]?.actor.display ?? null,
      facility: withFacility?.ci.performingOrganization?.display ?? null,
      visitDate: visit ? visit.value.valueDate : premium ? null : (earliest ?? null),
      coverageStart: dateOf(coverage?.value.valuePeriod?.start) ?? null,
      coverageEnd: dateOf(coverage?.value.valuePeriod?.end) ?? null,
      statementDate: dateOf(r.date),
      dueDate: due?.value.valueDate,
      totalCents: total,
      lines: mapped.map((l) => l.input),
    },
    translate,
  );
  if (!key || !input || !account || lines.some((l) => !l) || (r.subject && !patient)) return null;
  return {
    index: ctx.index,
    externalId: key.value,
    translate,
    input,
    chargeItems: mapped.map((l) => l.chargeItem),
  };
}

// --- the bundle -------------------------------------------------------------------------------------

/** The resource types of a bundle's entries, and the first entry of each type (for a scope refusal). */
export function entryTypes(bundle: TransactionBundle): string[] {
  return bundle.entry.map((e) => e.resource.resourceType);
}

/**
 * Maps every entry, or gives every problem found: the shape of each resource, the identifiers and
 * references, and what intake's schemas refuse. References that name nothing resolvable are apart
 * (`references`): the answer is then a 422 when nothing else is wrong.
 */
export function mapTransaction(bundle: TransactionBundle, known: KnownRecords): MappingResult {
  const c = new Collector();
  const types = entryTypes(bundle);
  const fullUrls = new Map<string, number>();
  bundle.entry.forEach((e, i) => {
    if (e.fullUrl === undefined) return;
    if (fullUrls.has(e.fullUrl))
      c.add(
        `Bundle.entry[${i}].fullUrl`,
        'duplicate',
        `Also the fullUrl of entry ${fullUrls.get(e.fullUrl)}`,
      );
    else fullUrls.set(e.fullUrl, i);
  });

  const parsed = new Map<number, FhirPatient | FhirAccount | FhirInvoice | FhirChargeItem>();
  const schemas = {
    Patient: fhirPatient,
    Account: fhirAccount,
    Invoice: fhirInvoice,
    ChargeItem: fhirChargeItem,
  };
  bundle.entry.forEach((e, i) => {
    const type = e.resource.resourceType;
    const root = `Bundle.entry[${i}].resource`;
    if (!isTransactionType(type)) {
      c.add(`${root}.resourceType`, 'not_supported', `A transaction holds ${TRANSACTION_TYPES.join(', ')}`);
      return;
    }
    const result = schemas[type].safeParse(e.resource);
    if (result.success) parsed.set(i, result.data);
    else {
      for (const issue of result.error.issues) {
        const path = issue.path.reduce<string>(
          (p, part) => (typeof part === 'number' ? `${p}[${part}]` : `${p}.${String(part)}`),
          root,
        );
        c.add(path, issue.code, issue.message);
      }
    }
  });
  const ofType = <T>(type: TransactionType) =>
    [...parsed.entries()].filter(([i]) => types[i] === type) as unknown as [number, T][];
  const ctx = (index: number): EntryContext => ({
    index,
    root: `Bundle.entry[${index}].resource`,
    request: bundle.entry[index]!.request,
  });

  const people = new Map<number, PersonStep>();
  for (const [i, r] of ofType<FhirPatient>('Patient')) {
    const step = mapPatient(ctx(i), r, c);
    if (step) people.set(i, step);
  }
  const resolver = { fullUrls, known, types, people, accounts: new Map<number, AccountStep>() };
  for (const [i, r] of ofType<FhirAccount>('Account')) {
    const step = mapAccount(ctx(i), r, resolver, c);
    if (step) resolver.accounts.set(i, step);
  }
  const chargeItems = new Map(ofType<FhirChargeItem>('ChargeItem'));
  for (const [i] of chargeItems) {
    if (bundle.entry[i]!.request.method !== 'POST') {
      c.add(
        `Bundle.entry[${i}].request.method`,
        'not_supported',
        'A ChargeItem is sent (POST) as a line of an Invoice in the same bundle',
      );
    }
  }
  const bills: BillStep[] = [];
  for (const [i, r] of ofType<FhirInvoice>('Invoice')) {
    const step = mapInvoice(ctx(i), r, resolver, chargeItems, c);
    if (step) bills.push(step);
  }

  // Every ChargeItem is a line of exactly one Invoice.
  const lineOf = new Map<number, { invoice: number; line: number }>();
  for (const bill of bills) {
    bill.chargeItems.forEach((ci, line) => {
      const before = lineOf.get(ci);
      if (before)
        c.add(
          `Bundle.entry[${bill.index}].resource.lineItem[${line}]`,
          'duplicate',
          `Entry ${ci} is already a line of entry ${before.invoice}`,
        );
      else lineOf.set(ci, { invoice: bill.index, line });
    });
  }
  const referenced = new Set(
    [...parsed.entries()]
      .filter(([i]) => types[i] === 'Invoice')
      .flatMap(([, r]) =>
        ((r as FhirInvoice).lineItem ?? []).map((l) => fullUrls.get(l.chargeItemReference?.reference ?? '')),
      ),
  );
  for (const [i] of chargeItems) {
    if (!referenced.has(i))
      c.add(
        `Bundle.entry[${i}]`,
        'not_a_line',
        'A ChargeItem must be a line (lineItem.chargeItemReference) of an Invoice in this bundle',
      );
  }

  // One record per identifier in a bundle.
  for (const steps of [[...people.values()], [...resolver.accounts.values()], bills] as Step[][]) {
    const seen = new Map<string, number>();
    for (const step of steps) {
      const other = seen.get(step.externalId);
      if (other !== undefined)
        c.add(
          `Bundle.entry[${step.index}].resource.identifier`,
          'duplicate',
          `The same record as entry ${other}`,
        );
      else seen.set(step.externalId, step.index);
    }
  }

  if (c.errors.length > 0 || c.references.length > 0) {
    return { ok: false, errors: c.errors, references: c.references };
  }
  return {
    ok: true,
    plan: { people: [...people.values()], accounts: [...resolver.accounts.values()], bills, lineOf },
  };
}
