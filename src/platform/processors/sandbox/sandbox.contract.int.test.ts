import { afterAll, beforeAll } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app';
import { type ProcessorContractHarness, processorContract } from '../processor.contract';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function token(result: Promise<{ ok: true; token: string } | { ok: false; errors: unknown[] }>) {
  const made = await result;
  if (!made.ok) throw new Error(`not tokenized: ${JSON.stringify(made.errors)}`);
  return made.token;
}

processorContract(
  'sandbox',
  (): ProcessorContractHarness => ({
    processor: t.sandbox,
    cardToken: (number) =>
      token(
        t.sandbox.tokenizeCard(
          { number, expMonth: 12, expYear: 2030, cvc: '123' },
          { year: 2026, month: 11 },
        ),
      ),
    bankToken: (accountNumber) =>
      token(
        t.sandbox.tokenizeBank({
          routingNumber: '110000000',
          accountNumber,
          accountType: 'checking',
          holderName: 'José Núñez',
        }),
      ),
    loseAnswers: (on) => {
      t.sandbox.faults = on ? { timeoutAfterSuccess: true } : {};
    },
    settleBankDebits: async () => {
      // Past the sandbox's settlement delay (60 seconds by default).
      t.clock.advance({ minutes: 2 });
    },
  }),
);
