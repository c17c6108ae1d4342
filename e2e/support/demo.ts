import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DemoBill {
  kind: 'hospital' | 'professional' | 'premium';
  number: string;
  patientName: string;
  balanceCents: number;
  dueDate: string;
}

export interface DemoMedical {
  accountNumber: string;
  postalCode: string;
  holderName: string;
  bills: DemoBill[];
}

export interface DemoPremium {
  accountNumber: string;
  invoiceNumber: string;
  lastName: string;
  holderName: string;
  bills: DemoBill[];
}

export interface DemoRegion {
  regionId: string;
  regionName: string;
  medical: DemoMedical;
  premium: DemoPremium;
  moreMedical: DemoMedical[];
  morePremium: DemoPremium[];
}

/** A member record nobody has registered yet: the details the registration page asks for. */
export interface DemoRegistrable {
  regionId: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  medicalRecordNumber: string;
}

/** A member who already has an account (email confirmed). */
export interface DemoRegistered {
  regionId: string;
  email: string;
  password: string;
  name: string;
  medicalRecordNumber: string;
  responsibleFor: string[];
}

export interface Demo {
  organization: string;
  regions: DemoRegion[];
  members: { registrable: DemoRegistrable[]; registered: DemoRegistered[] };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let cached: Demo | null = null;

/** The deterministic demo identities, from `settle demo --json` (run once per worker). */
export function demo(): Demo {
  if (!cached) {
    const out = execFileSync('npx', ['tsx', 'src/main.ts', 'demo', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, DATA_DIR: 'memory://', LOG_LEVEL: 'silent' },
    });
    cached = JSON.parse(out.slice(out.indexOf('{'))) as Demo;
  }
  return cached;
}

export function region(id: string): DemoRegion {
  const r = demo().regions.find((x) => x.regionId === id);
  if (!r) throw new Error(`No demo region ${id}`);
  return r;
}

/** Medical account `index` of a region: 0 is the main one, 1-3 the extra ones. */
export function medicalAccount(regionId: string, index = 0): DemoMedical & { regionName: string } {
  const r = region(regionId);
  const account = index === 0 ? r.medical : r.moreMedical[index - 1];
  if (!account) throw new Error(`No medical account ${index} in ${regionId}`);
  return { ...account, regionName: r.regionName };
}

export function premiumAccount(regionId: string, index = 0): DemoPremium & { regionName: string } {
  const r = region(regionId);
  const account = index === 0 ? r.premium : r.morePremium[index - 1];
  if (!account) throw new Error(`No premium account ${index} in ${regionId}`);
  return { ...account, regionName: r.regionName };
}

/** Registrable member `index` (each test that registers takes its own, so none registers twice). */
export function registrableMember(index: number): DemoRegistrable {
  const m = demo().members.registrable[index];
  if (!m) throw new Error(`No registrable demo member ${index}`);
  return m;
}

/** Registered member `index`; `withPeople` picks among those who pay for someone else. */
export function registeredMember(index: number, options: { withPeople?: boolean } = {}): DemoRegistered {
  const list = demo().members.registered.filter((m) =>
    options.withPeople === undefined ? true : options.withPeople === m.responsibleFor.length > 0,
  );
  const m = list[index];
  if (!m) throw new Error(`No registered demo member ${index}`);
  return m;
}

/** What the page shows for an amount: $1,234.56 */
export function dollars(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}
