import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { nextTestAddress, pay, tokenizeCard } from '../../../test/factories';
import {
  expectIntegrity,
  hospitalBillBody,
  type IntakeClient,
  intakeClient,
  line,
  medicalAccountBody,
  newExternalId,
  personBody,
} from '../../../test/intake';

/** Real races need real connections: PostgreSQL only (PGlite runs one transaction at a time). */
describe.skipIf(!process.env.TEST_DATABASE_URL)('intake under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  let api: IntakeClient;
  beforeAll(async () => {
    t = await buildTestApp();
    api = intakeClient(t.app, (await createApiKey(t.deps)).headers);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function billOnNewAccount(owed: number) {
    const person = newExternalId('person');
    await api.putPerson(person, personBody());
    const account = newExternalId('account');
    const accountBody = medicalAccountBody({ personExternalId: person, guarantors: [person] });
    await api.putAccount(account, accountBody);
    const externalId = newExternalId('bill');
    const body = hospitalBillBody(account, [owed]);
    expect((await api.putBill(externalId, body)).statusCode).toBe(201);
    return { externalId, body, accountBody };
  }

  it('the same new records sent many times at once make one of each', async () => {
    const person = newExternalId('person');
    const personAnswers = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.putPerson(person, personBody({ medicalRecordNumber: `RACE${Date.now()}` })),
      ),
    );
    expect(personAnswers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const account = newExternalId('account');
    const accountBody = medicalAccountBody({ personExternalId: person, guarantors: [person] });
    const accountAnswers = await Promise.all(
      Array.from({ length: 8 }, () => api.putAccount(account, accountBody)),
    );
    expect(accountAnswers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    const bill = newExternalId('bill');
    const billBody = hospitalBillBody(account);
    const billAnswers = await Promise.all(Array.from({ length: 8 }, () => api.putBill(bill, billBody)));
    expect(billAnswers.map((a) => a.json().result).filter((r) => r === 'created')).toHaveLength(1);
    expect(billAnswers.every((a) => a.statusCode < 300)).toBe(true);
    await expectIntegrity(t.deps);
  });

  it('corrections of one bill at once each make their own version', async () => {
    const { externalId, body } = await billOnNewAccount(10_000);
    const answers = await Promise.all(
      [11_000, 12_000, 13_000, 9_000, 8_000].map((owed) =>
        api.putBill(externalId, { ...body, totalCents: owed, lines: [line(owed)] }),
      ),
    );
    expect(answers.every((a) => a.json().result === 'updated')).toBe(true);
    const versions = (await api.versions(externalId)).json().versions as {
      version: number;
      amountChangeCents: number;
    }[];
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const final = (await api.getBill(externalId)).json();
    // The changes add up to where the bill ended.
    expect(versions.reduce((sum, v) => sum + v.amountChangeCents, 0)).toBe(final.amountCents);
    await expectIntegrity(t.deps);
  });

  it('a payment of the whole balance and a correction below it at once: exactly one goes through', async () => {
    for (let round = 0; round < 6; round++) {
      const { externalId, body, accountBody } = await billOnNewAccount(12_000);
      await t.deps.db.deleteFrom('rate_limit_counters').execute();
      const lookup = await t.app.inject({
        method: 'POST',
        url: '/api/v1/guest/lookups',
        remoteAddress: nextTestAddress(),
        payload: {
          regionId: 'ncal',
          kind: 'medical',
          accountNumber: accountBody.accountNumber,
          postalCode: accountBody.postalCode,
        },
      });
      const session = lookup.json();
      const token = await tokenizeCard(t.app);
      const [payment, correction] = await Promise.all([
        pay(t.app, session.sessionToken, {
          billIds: [session.bills[0].id],
          amountCents: 12_000,
          paymentToken: token,
        }),
        api.putBill(externalId, { ...body, totalCents: 11_000, lines: [line(11_000)] }),
      ]);
      const paid = payment.statusCode === 201;
      const corrected = correction.statusCode === 200;
      expect(
        paid !== corrected,
        `payment ${payment.statusCode} ${payment.body} / correction ${correction.statusCode} ${correction.body}`,
      ).toBe(true);
      if (!corrected) expect(['bill_below_paid', 'payment_in_progress']).toContain(correction.json().code);
      const bill = (await api.getBill(externalId)).json();
      expect(bill).toMatchObject(
        paid ? { status: 'paid', amountCents: 12_000 } : { status: 'open', balanceCents: 11_000 },
      );
      await expectIntegrity(t.deps);
    }
  });
});
