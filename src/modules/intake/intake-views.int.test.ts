import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMember, MEMBER_PASSWORD, signIn } from '../../../test/factories';
import {
  expectIntegrity,
  type IntakeClient,
  intakeClient,
  intakeScenarios,
  line,
  newExternalId,
  premiumAccountBody,
  premiumBillBody,
} from '../../../test/intake';

/** What the member and the guest see follows what the billing system sends. */

let t: TestApp;
let api: IntakeClient;

beforeAll(async () => {
  t = await buildTestApp();
  api = intakeClient(t.app, (await createApiKey(t.deps)).headers);
});
afterEach(async () => {
  await expectIntegrity(t.deps);
});
afterAll(async () => {
  await t.close();
});

const { newBill, guestLookup } = intakeScenarios(() => ({ t, api }));

/** The text of a PDF, as poppler's pdftotext reads it (as the PDF renderer's own tests do). */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'settle-intake-'));
  try {
    writeFileSync(join(dir, 'bill.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'bill.pdf'), '-'], {
      encoding: 'utf8',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('what the member and the guest see follows intake', () => {
  it('the guest finds the bill by account number and ZIP, and then its correction', async () => {
    const { externalId, body, account } = await newBill([12_000]);
    const found = await guestLookup(account);
    expect(found.statusCode).toBe(201);
    expect(found.json().bills).toEqual([
      expect.objectContaining({
        number: body.number,
        amountCents: 12_000,
        balanceCents: 12_000,
        lines: [expect.objectContaining({ youOweCents: 12_000 })],
      }),
    ]);
    await api.putBill(externalId, { ...body, totalCents: 9_000, lines: [line(4_000), line(5_000)] });
    const again = (await guestLookup(account)).json();
    expect(again.bills[0]).toMatchObject({ amountCents: 9_000, balanceCents: 9_000 });
    expect(again.bills[0].lines).toHaveLength(2);
  });

  it('a premium payer finds the invoice by account, invoice number and last name', async () => {
    const accountId = newExternalId('account');
    const account = premiumAccountBody();
    await api.putAccount(accountId, account);
    const bill = premiumBillBody(accountId);
    await api.putBill(newExternalId('bill'), bill);
    await t.deps.db.deleteFrom('rate_limit_counters').execute();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/guest/lookups',
      payload: {
        regionId: 'midatlantic',
        kind: 'premium',
        accountNumber: account.accountNumber,
        invoiceNumber: bill.number,
        lastName: 'Nunez',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().bills).toEqual([
      expect.objectContaining({ kind: 'premium', number: bill.number, balanceCents: 30_000 }),
    ]);
  });

  it('the member sees the bill on the dashboard, then its correction, and its PDF', async () => {
    const { externalId, body, account } = await newBill([12_000]);
    const person = await t.deps.db
      .selectFrom('people')
      .selectAll()
      .where('external_id', '=', account.personExternalId)
      .executeTakeFirstOrThrow();
    const member = await createMember(t.deps, {
      personId: person.id,
      regionId: person.region_id,
      medicalRecordNumber: person.medical_record_number,
      firstName: person.first_name,
      lastName: person.last_name,
      birthDate: person.birth_date,
    });
    const session = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const dashboard = () =>
      t.app.inject({ method: 'GET', url: '/api/v1/member/dashboard', headers: { cookie: session.cookie } });
    const first = (await dashboard()).json();
    expect(first.totalDueCents).toBe(12_000);
    expect(first.people[0].bills).toEqual([
      expect.objectContaining({ number: body.number, balanceCents: 12_000 }),
    ]);
    await api.putBill(externalId, { ...body, totalCents: 7_500, lines: [line(7_500)] });
    const second = (await dashboard()).json();
    expect(second.totalDueCents).toBe(7_500);
    const billId: string = second.people[0].bills[0].id;
    expect(
      (await api.adjust(externalId, { amountCents: -500, reason: 'Courtesy discount' })).statusCode,
    ).toBe(200);
    const pdf = await t.app.inject({
      method: 'GET',
      url: `/api/v1/member/bills/${billId}/bill.pdf`,
      headers: { cookie: session.cookie },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    // The corrected lines' total, the adjustment with its reason, and what is left add up on paper.
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain(body.number);
    expect(text).toMatch(/Bill total\s+\$75\.00/);
    expect(text).toMatch(/Adjustment: Courtesy discount\s+-\$5\.00/);
    expect(text).toMatch(/Amount you owe\s+\$70\.00/);
    expect((await api.getPerson(account.personExternalId)).json().isMember).toBe(true);
  });
});
