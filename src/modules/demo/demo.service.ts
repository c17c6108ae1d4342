import type { Deps } from '../../deps';
import { todayIn } from '../../domain/dates';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { hashPassword } from '../../platform/passwords';
import { createAccount, issueBill } from '../bills/bills.service';
import { buildDemoData, DEMO_MEMBER_PASSWORD, type DemoBill, type DemoData } from './demo.data';

export function demoData(deps: Pick<Deps, 'config' | 'clock'>): DemoData {
  const tz = deps.config.organization.regions[0]?.timeZone ?? 'UTC';
  return buildDemoData(deps.config.organization, todayIn(tz, deps.clock.now()));
}

function splitName(full: string): { first: string; last: string } {
  const parts = full.split(' ');
  return { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1] ?? full };
}

/**
 * Seeds the demo organization once: accounts and bills into a database without accounts, people and
 * members into one without people (so a database seeded before members existed gets them too).
 */
export async function seedDemo(
  deps: Deps,
): Promise<{ seeded: boolean; accounts: number; bills: number; members: number }> {
  const data = demoData(deps);
  // Hashed once outside the transaction: every registered demo member has the same password.
  const passwordHash = await hashPassword(DEMO_MEMBER_PASSWORD);
  return deps.db.transaction().execute(async (trx) => {
    const accountsSeeded = await seedAccounts(trx, data);
    const members = await seedMembers(deps, trx, data, passwordHash);
    return { seeded: accountsSeeded.accounts > 0 || members > 0, ...accountsSeeded, members };
  });
}

async function seedAccounts(trx: Db, data: DemoData): Promise<{ accounts: number; bills: number }> {
  {
    const existing = await trx.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
    if (existing) return { accounts: 0, bills: 0 };
    let accounts = 0;
    let bills = 0;
    const issue = async (accountId: string, b: DemoBill) => {
      await issueBill(trx, { accountId, ...b });
      bills++;
    };
    for (const region of data.regions) {
      for (const m of [region.medical, ...region.moreMedical, ...region.dependents]) {
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
    return { accounts, bills };
  }
}

async function seedMembers(deps: Deps, trx: Db, data: DemoData, passwordHash: string): Promise<number> {
  const existing = await trx.selectFrom('people').select('id').limit(1).executeTakeFirst();
  if (existing) return 0;
  const idByMrn = new Map<string, string>();
  for (const p of data.members.people) {
    const id = newId();
    idByMrn.set(p.medicalRecordNumber, id);
    await trx
      .insertInto('people')
      .values({
        id,
        region_id: p.regionId,
        medical_record_number: p.medicalRecordNumber,
        first_name: p.firstName,
        last_name: p.lastName,
        birth_date: p.birthDate,
      })
      .execute();
  }
  for (const link of data.members.links) {
    const account = await trx
      .updateTable('accounts')
      .set({ person_id: idByMrn.get(link.personMrn) ?? null })
      .where('account_number', '=', link.accountNumber)
      .returning('id')
      .executeTakeFirst();
    if (!account) continue;
    for (const mrn of link.guarantorMrns) {
      const personId = idByMrn.get(mrn);
      if (personId)
        await trx
          .insertInto('account_guarantors')
          .values({ account_id: account.id, person_id: personId })
          .execute();
    }
  }
  const now = toDate(deps.clock.now());
  for (const m of data.members.registered) {
    const personId = idByMrn.get(m.medicalRecordNumber);
    if (!personId) continue;
    await trx
      .insertInto('members')
      .values({
        id: newId(),
        person_id: personId,
        email: m.email,
        password_hash: passwordHash,
        preferred_language: 'en',
        email_verified_at: now,
        terms_version: deps.config.organization.termsVersion,
        terms_accepted_at: now,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  return data.members.registered.length;
}
