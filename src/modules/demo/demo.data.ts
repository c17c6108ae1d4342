import type { Temporal } from 'temporal-polyfill';
import type { Organization } from '../../config';
import type { BillKind } from '../../db/schema';
import { premiumDueDate } from '../../domain/dates';
import { withCheckDigit } from '../../domain/identifiers';
import type { BillLineInput } from '../bills/bills.service';

/**
 * Deterministic demo identities: the same account numbers, names and amounts on every machine.
 * Dates are placed around `today` so bills are always current.
 */

export interface DemoBill {
  kind: BillKind;
  number: string;
  patientName: string;
  provider?: string;
  facility?: string;
  visitDate?: string;
  coverageStart?: string;
  coverageEnd?: string;
  statementDate: string;
  dueDate: string;
  balanceCents: number;
  lines: BillLineInput[];
}

export interface DemoMedicalAccount {
  accountNumber: string;
  postalCode: string;
  holderName: string;
  stateCode: string;
  bills: DemoBill[];
}

export interface DemoPremiumAccount {
  accountNumber: string;
  invoiceNumber: string;
  lastName: string;
  holderName: string;
  planType: 'individual_family' | 'employer_group';
  stateCode: string;
  postalCode: string;
  bills: DemoBill[];
}

export interface DemoRegion {
  regionId: string;
  regionName: string;
  /** The account to try first. */
  medical: DemoMedicalAccount;
  premium: DemoPremiumAccount;
  /** More medical accounts, so tests and demos can pay without touching each other's bills. */
  moreMedical: DemoMedicalAccount[];
  morePremium: DemoPremiumAccount[];
  /** Children's medical accounts, paid by a guarantor (a registered demo member). */
  dependents: DemoMedicalAccount[];
}

/** A person the organization knows, as their member ID card shows them. */
export interface DemoPerson {
  regionId: string;
  medicalRecordNumber: string;
  firstName: string;
  lastName: string;
  birthDate: string;
}

/** Who each demo account is for and who pays it (by record number). */
export interface DemoAccountLink {
  accountNumber: string;
  personMrn: string;
  guarantorMrns: string[];
}

export interface DemoRegisteredMember {
  regionId: string;
  email: string;
  password: string;
  name: string;
  medicalRecordNumber: string;
  /** The other people whose bills this member sees and pays. */
  responsibleFor: string[];
}

export interface DemoMembers {
  /** People who can register (record number, name, date of birth, region all match). */
  registrable: DemoPerson[];
  /** Members who already registered and confirmed their email. */
  registered: DemoRegisteredMember[];
  /** Every person behind a demo account. */
  people: DemoPerson[];
  links: DemoAccountLink[];
}

/** The password of every registered demo member (15+ characters, not a common one). */
export const DEMO_MEMBER_PASSWORD = 'evergreen demo member 2026';

export interface DemoData {
  organization: string;
  regions: DemoRegion[];
  members: DemoMembers;
  sandbox: {
    cards: Record<string, string>;
    bank: { routingNumber: string; accounts: Record<string, string> };
  };
}

/** mulberry32: a tiny seeded generator, so the demo is identical everywhere. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const firstNames = [
  'Maria',
  'James',
  'Aiyana',
  'Wei',
  'Lucía',
  'Samuel',
  'Keanu',
  'Grace',
  'Omar',
  'Rosa',
  'Daniel',
  'Mei',
];
const lastNames = [
  'Rivera',
  'Okafor',
  'Nakamura',
  'Hughes',
  'Delgado',
  'Kahale',
  'Novak',
  'Brennan',
  'Haddad',
  'Ortiz',
];
const postalByState: Record<string, string[]> = {
  CA: ['94612', '95814', '90012', '92101'],
  HI: ['96813', '96720'],
  CO: ['80203', '80525'],
  GA: ['30303', '30030'],
  OR: ['97201', '97401'],
  WA: ['98101', '98660'],
  MD: ['20850', '21201'],
  VA: ['22201', '22030'],
  DC: ['20001', '20002'],
};
const hospitalServices: { description: string; code: string; charge: [number, number] }[] = [
  { description: 'Emergency room visit, level 4', code: '99284', charge: [95_000, 180_000] },
  { description: 'CT scan, head without contrast', code: '70450', charge: [60_000, 140_000] },
  { description: 'Laboratory: comprehensive metabolic panel', code: '80053', charge: [9_000, 22_000] },
  { description: 'Room and board, semi-private, 1 day', code: '0120', charge: [180_000, 320_000] },
  { description: 'Pharmacy: IV medication', code: '0250', charge: [8_000, 30_000] },
];
const professionalServices: { description: string; code: string; charge: [number, number] }[] = [
  { description: 'Office visit, established patient', code: '99214', charge: [18_000, 32_000] },
  { description: 'X-ray, chest, 2 views', code: '71046', charge: [9_000, 16_000] },
  { description: 'Physical therapy evaluation', code: '97161', charge: [15_000, 26_000] },
  { description: 'Dermatology: skin biopsy', code: '11102', charge: [22_000, 40_000] },
];
const providers = [
  'Dr. Ana Whitfield',
  'Dr. Kofi Mensah',
  'Dr. Priya Raman',
  'Dr. Lena Vogel',
  'Dr. Tomás Ibarra',
];
const facilities = ['Evergreen Medical Center', 'Evergreen Riverside Hospital', 'Evergreen Lakeview Clinic'];

function between(rand: () => number, [min, max]: [number, number]): number {
  return Math.round((min + rand() * (max - min)) / 100) * 100 + Math.floor(rand() * 100);
}

function serviceLines(
  rand: () => number,
  catalog: typeof hospitalServices,
  count: number,
  serviceDate: string,
  insuranceShare: number,
): BillLineInput[] {
  const lines: BillLineInput[] = [];
  for (let i = 0; i < count; i++) {
    const service = catalog[(i + Math.floor(rand() * catalog.length)) % catalog.length]!;
    const charge = between(rand, service.charge);
    const adjustment = Math.round(charge * (0.15 + rand() * 0.15));
    const insurance = Math.round((charge - adjustment) * insuranceShare);
    lines.push({
      description: service.description,
      code: service.code,
      serviceDate,
      chargeCents: charge,
      adjustmentCents: adjustment,
      insurancePaidCents: insurance,
    });
  }
  return lines;
}

function owed(lines: BillLineInput[]): number {
  return lines.reduce(
    (s, l) => s + l.chargeCents - (l.insurancePaidCents ?? 0) - (l.adjustmentCents ?? 0),
    0,
  );
}

export function buildDemoData(org: Organization, today: Temporal.PlainDate): DemoData {
  const rand = seededRandom(20_261_123);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  let billSeq = 0;
  const nextBillNumber = (prefix: string) =>
    `${prefix}${String(40_000_000 + ++billSeq * 7919).padStart(8, '0')}`;

  const makeMedical: ((n: number) => DemoMedicalAccount)[] = [];
  const regions = org.regions.map((region, regionIndex): DemoRegion => {
    const state = region.states[0]!;
    const medicalAccount = (n: number): DemoMedicalAccount => {
      const first = pick(firstNames);
      const last = pick(lastNames);
      const patient = `${first} ${last}`;
      const postalCode = pick(postalByState[state.code] ?? ['00000']);
      const visit1 = today.subtract({ days: 30 + Math.floor(rand() * 40) });
      const visit2 = today.subtract({ days: 10 + Math.floor(rand() * 15) });
      const visit3 = today.subtract({ days: 70 + Math.floor(rand() * 30) });
      const hospitalLines = serviceLines(rand, hospitalServices, 3, visit1.toString(), 0.8);
      const professionalLines = serviceLines(rand, professionalServices, 2, visit2.toString(), 0.7);
      const followUpLines = serviceLines(rand, professionalServices, 1, visit3.toString(), 0.6);
      const bills: DemoBill[] = [
        {
          kind: 'hospital',
          number: nextBillNumber('H'),
          patientName: patient,
          facility: pick(facilities),
          provider: pick(providers),
          visitDate: visit1.toString(),
          statementDate: visit1.add({ days: 20 }).toString(),
          dueDate: today.add({ days: 18 + regionIndex }).toString(),
          balanceCents: owed(hospitalLines),
          lines: hospitalLines,
        },
        {
          kind: 'professional',
          number: nextBillNumber('P'),
          patientName: patient,
          provider: pick(providers),
          facility: pick(facilities),
          visitDate: visit2.toString(),
          statementDate: visit2.add({ days: 7 }).toString(),
          dueDate: today.add({ days: 32 }).toString(),
          balanceCents: owed(professionalLines),
          lines: professionalLines,
        },
        {
          kind: 'professional',
          number: nextBillNumber('P'),
          patientName: patient,
          provider: pick(providers),
          facility: pick(facilities),
          visitDate: visit3.toString(),
          statementDate: visit3.add({ days: 14 }).toString(),
          dueDate: today.add({ days: 5 }).toString(),
          balanceCents: owed(followUpLines),
          lines: followUpLines,
        },
      ];
      return {
        accountNumber: withCheckDigit(`1${regionIndex}${String(4_100_000 + n * 37).padStart(7, '0')}`),
        postalCode,
        holderName: patient,
        stateCode: state.code,
        bills,
      };
    };

    const premiumAccount = (n: number, stateIndex: number): DemoPremiumAccount => {
      const st = region.states[stateIndex % region.states.length]!;
      const first = pick(firstNames);
      const last = pick(lastNames);
      const planType = n % 2 === 0 ? 'individual_family' : 'employer_group';
      const coverage = today.toPlainYearMonth().add({ months: 1 });
      const premium = 38_000 + Math.floor(rand() * 60) * 1_000;
      const subsidy = planType === 'individual_family' ? Math.floor(premium * (0.3 + rand() * 0.4)) : 0;
      const lines: BillLineInput[] = [
        {
          description: `Monthly premium, ${coverage.toString()}`,
          chargeCents: premium,
          ...(subsidy > 0 ? { adjustmentCents: subsidy } : {}),
        },
      ];
      const invoiceNumber = withCheckDigit(`7${regionIndex}${String(5_200_000 + n * 53).padStart(7, '0')}`);
      return {
        accountNumber: withCheckDigit(`2${regionIndex}${String(6_300_000 + n * 41).padStart(7, '0')}`),
        invoiceNumber,
        lastName: last,
        holderName: `${first} ${last}`,
        planType,
        stateCode: st.code,
        postalCode: pick(postalByState[st.code] ?? ['00000']),
        bills: [
          {
            kind: 'premium',
            number: invoiceNumber,
            patientName: `${first} ${last}`,
            coverageStart: coverage.toPlainDate({ day: 1 }).toString(),
            coverageEnd: coverage.toPlainDate({ day: coverage.daysInMonth }).toString(),
            statementDate: today.with({ day: Math.min(12, today.daysInMonth) }).toString(),
            dueDate: premiumDueDate(st.premiumDue, coverage).toString(),
            balanceCents: premium - subsidy,
            lines,
          },
        ],
      };
    };

    const medical = [0, 1, 2, 3].map(medicalAccount);
    const premium = [0, 1, 2].map((n) => premiumAccount(n, n));
    makeMedical.push(medicalAccount);
    return {
      regionId: region.id,
      regionName: region.name.en,
      medical: medical[0]!,
      premium: premium[0]!,
      moreMedical: medical.slice(1),
      morePremium: premium.slice(1),
      dependents: [],
    };
  });

  // Everything below draws after every account above, so adding it changed none of their identities.
  const people: DemoPerson[] = [];
  const links: DemoAccountLink[] = [];
  const registrable: DemoPerson[] = [];
  const registered: DemoRegisteredMember[] = [];
  let mrnSeq = 0;
  const person = (regionIndex: number, regionId: string, fullName: string, born: [number, number]) => {
    const parts = fullName.split(' ');
    const birthYear = born[0] + Math.floor(rand() * (born[1] - born[0] + 1));
    const p: DemoPerson = {
      regionId,
      medicalRecordNumber: String(10_000_000 * (regionIndex + 1) + 3_000_000 + ++mrnSeq * 131),
      firstName: parts.slice(0, -1).join(' '),
      lastName: parts[parts.length - 1] ?? fullName,
      birthDate: `${birthYear}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
    };
    people.push(p);
    return p;
  };
  const emailOf = (p: DemoPerson) =>
    `${p.firstName}.${p.lastName}.${p.regionId}@example.org`
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLowerCase();
  regions.forEach((region, regionIndex) => {
    const own = (account: { accountNumber: string; holderName: string }) => {
      const p = person(regionIndex, region.regionId, account.holderName, [1948, 1992]);
      links.push({
        accountNumber: account.accountNumber,
        personMrn: p.medicalRecordNumber,
        guarantorMrns: [p.medicalRecordNumber],
      });
      return p;
    };
    const [member, ...others] = [region.medical, ...region.moreMedical].map(own);
    for (const p of [region.premium, ...region.morePremium]) own(p);
    registered.push({
      regionId: region.regionId,
      email: emailOf(member!),
      password: DEMO_MEMBER_PASSWORD,
      name: `${member!.firstName} ${member!.lastName}`,
      medicalRecordNumber: member!.medicalRecordNumber,
      responsibleFor: [],
    });
    registrable.push(others[0]!, others[1]!);
    // A parent who pays for two children: each child has a medical account of their own.
    const parent = others[2]!;
    const make = makeMedical[regionIndex]!;
    const children = [10, 11].map((n) => {
      const account = make(n);
      const childName = `${pick(firstNames)} ${parent.lastName}`;
      const child = person(regionIndex, region.regionId, childName, [2010, 2020]);
      links.push({
        accountNumber: account.accountNumber,
        personMrn: child.medicalRecordNumber,
        guarantorMrns: [parent.medicalRecordNumber],
      });
      return {
        ...account,
        holderName: childName,
        bills: account.bills.map((b) => ({ ...b, patientName: childName })),
      };
    });
    region.dependents.push(...children);
    registered.push({
      regionId: region.regionId,
      email: emailOf(parent),
      password: DEMO_MEMBER_PASSWORD,
      name: `${parent.firstName} ${parent.lastName}`,
      medicalRecordNumber: parent.medicalRecordNumber,
      responsibleFor: children.map((c) => c.holderName),
    });
  });

  return {
    organization: org.name,
    regions,
    members: { registrable, registered, people, links },
    sandbox: {
      cards: {
        '4242424242424242': 'Visa, succeeds',
        '5555555555554444': 'Mastercard, succeeds',
        '6011111111111117': 'Discover, succeeds',
        '4000000000000002': 'declined',
        '4000000000009995': 'insufficient funds',
        '4000000000000069': 'expired card',
        '4000000000000127': 'incorrect CVC',
        '4000000000000119': 'processing error',
        '4000000000000341': 'can be saved, every charge fails',
        '378282246310005': 'American Express (brand the organization may refuse)',
      },
      bank: {
        routingNumber: '110000000',
        accounts: {
          '000123456789': 'succeeds',
          '000222222227': 'returned R01 (insufficient funds) after settlement, every time it is presented',
          '000222222235': 'returned R01 the first time; settles when presented again',
          '000111111113': 'returned R02 (account closed) after settlement',
          '000111111116': 'returned R03 (no account) after settlement',
          '000333333335': 'returned R05 (unauthorized debit) after settlement',
          '000333333337': 'returned R07 (authorization revoked) after settlement',
          '000333333339': 'returned R10 (not authorized, says the customer) after settlement',
        },
      },
    },
  };
}
