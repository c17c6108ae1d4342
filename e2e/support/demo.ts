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

export interface Demo {
  organization: string;
  regions: DemoRegion[];
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

/** What the page shows for an amount: $1,234.56 */
export function dollars(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}
