import type { Deps } from '../../deps';
import { todayIn } from '../../domain/dates';
import { createAccount, issueBill } from '../bills/bills.service';
import { buildDemoData, type DemoBill, type DemoData } from './demo.data';

export function demoData(deps: Pick<Deps, 'config' | 'clock'>): DemoData {
  const tz = deps.config.organization.regions[0]?.timeZone ?? 'UTC';
  return buildDemoData(deps.config.organization, todayIn(tz, deps.clock.now()));
}

function splitName(full: string): { first: string; last: string } {
  const parts = full.split(' ');
  return { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1] ?? full };
}

/** Seeds the demo organization's accounts and bills once; a database that has accounts is left alone. */
export async function seedDemo(deps: Deps): Promise<{ seeded: boolean; accounts: number; bills: number }> {
  const data = demoData(deps);
  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
    if (existing) return { seeded: false, accounts: 0, bills: 0 };
    let accounts = 0;
    let bills = 0;
    const issue = async (accountId: string, b: DemoBill) => {
      await issueBill(trx, { accountId, ...b });
      bills++;
    };
    for (const region of data.regions) {
      for (const m of [region.medical, ...region.moreMedical]) {
        const { first, last } = splitName(m.holderName);
        const id = await createAccount(trx, {
          regionId: region.regionId,
          stateCode: m.stateCode,
          kind: 'medical',
          accountNumber: m.accountNumber,
          holderFirstName: first,
          holderLastName: last,
          postalCode: m.postalCode,
        });
        accounts++;
        for (const b of m.bills) await issue(id, b);
      }
      for (const p of [region.premium, ...region.morePremium]) {
        const { first, last } = splitName(p.holderName);
        const id = await createAccount(trx, {
          regionId: region.regionId,
          stateCode: p.stateCode,
          kind: 'premium',
          planType: p.planType,
          accountNumber: p.accountNumber,
          holderFirstName: first,
          holderLastName: last,
          postalCode: p.postalCode,
        });
        accounts++;
        for (const b of p.bills) await issue(id, b);
      }
    }
    return { seeded: true, accounts, bills };
  });
}
