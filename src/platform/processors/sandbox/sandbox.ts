import { isValidRoutingNumber } from '../../../domain/bank';
import { detectCardBrand, isValidCardNumber, normalizeCardNumber } from '../../../domain/cards';
import type { Clock } from '../../clock';
import { toDate } from '../../clock';
import type { Db } from '../../db';
import { randomBytes } from '../../ids';
import { rowsTable, runStmt, stmt } from '../../statement';
import {
  type AcceptedBrand,
  type BankDebitState,
  type ChargeOutcome,
  type ChargeRequest,
  type DeclineCode,
  declineMessages,
  type PaymentMethodDetails,
  type PaymentProcessor,
  ProcessorError,
  type RefundOutcome,
  type RefundRequest,
  type RepresentRequest,
} from '../processor';
import { findSandboxRefund, recordSandboxRefund } from './sandbox-refunds';
import {
  type BankBehaviour,
  type CardBehaviour,
  TEST_ROUTING_NUMBER,
  testBankAccounts,
  testCards,
} from './test-numbers';

/** Switches tests flip to make the sandbox misbehave the way real processors do. */
export interface SandboxFaults {
  /** Added before every charge answers. */
  latencyMs?: number;
  /** Record the charge, then throw as if the response was lost. */
  timeoutAfterSuccess?: boolean;
  /** Throw before recording anything, like a 503 from the processor. */
  unavailable?: boolean;
}

export interface SandboxOptions {
  mode: 'test' | 'live';
  /** Simulated ACH settlement delay. */
  settlementSeconds?: number;
}

export interface TokenizeCardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  postalCode?: string | undefined;
  name?: string | undefined;
}

export interface TokenizeBankInput {
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
  holderName: string;
}

export type TokenizeResult =
  | { ok: true; token: string; method: PaymentMethodDetails }
  | { ok: false; errors: { field: string; code: string; message: string }[] };

function tokenId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export class SandboxProcessor implements PaymentProcessor {
  readonly name = 'sandbox';
  faults: SandboxFaults = {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: SandboxOptions,
  ) {}

  async tokenizeCard(
    input: TokenizeCardInput,
    today: { year: number; month: number },
  ): Promise<TokenizeResult> {
    const number = normalizeCardNumber(input.number);
    const errors: { field: string; code: string; message: string }[] = [];
    const test = testCards[number];
    if (!isValidCardNumber(number)) {
      errors.push({ field: 'number', code: 'invalid_number', message: 'Enter a valid card number' });
    } else if (this.options.mode === 'live' && test) {
      errors.push({
        field: 'number',
        code: 'test_number_in_live_mode',
        message: 'Test cards cannot be used',
      });
    } else if (this.options.mode === 'test' && !test) {
      errors.push({
        field: 'number',
        code: 'not_a_test_number',
        message: 'This is a test system: use one of the sandbox test card numbers',
      });
    }
    const expired =
      input.expYear < today.year || (input.expYear === today.year && input.expMonth < today.month);
    if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12) {
      errors.push({ field: 'expiry', code: 'invalid_expiry', message: 'Enter the expiry date as MM/YY' });
    } else if (expired || input.expYear > today.year + 20) {
      errors.push({ field: 'expiry', code: 'invalid_expiry', message: 'The expiry date is in the past' });
    }
    const brand = detectCardBrand(number);
    const cvcLength = brand === 'amex' ? 4 : 3;
    if (!new RegExp(`^\\d{${cvcLength}}$`).test(input.cvc)) {
      errors.push({
        field: 'cvc',
        code: 'invalid_cvc',
        message: `Enter the ${cvcLength}-digit security code`,
      });
    }
    if (errors.length > 0 || !test) return { ok: false, errors };
    const id = tokenId('tok');
    await this.db
      .insertInto('sandbox_tokens')
      .values({
        id,
        kind: 'card',
        brand: test.brand,
        last4: number.slice(-4),
        exp_month: input.expMonth,
        exp_year: input.expYear,
        holder_name: input.name ?? null,
        behaviour: test.behaviour,
        bank_account_type: null,
      })
      .execute();
    return {
      ok: true,
      token: id,
      method: {
        kind: 'card',
        brand: test.brand,
        last4: number.slice(-4),
        expMonth: input.expMonth,
        expYear: input.expYear,
      },
    };
  }

  async tokenizeBank(input: TokenizeBankInput): Promise<TokenizeResult> {
    const errors: { field: string; code: string; message: string }[] = [];
    const routing = input.routingNumber.replace(/\s/g, '');
    const account = input.accountNumber.replace(/\s/g, '');
    if (!isValidRoutingNumber(routing)) {
      errors.push({
        field: 'routingNumber',
        code: 'invalid_routing_number',
        message: 'Enter the 9-digit routing number from the bottom left of a check',
      });
    }
    if (!/^\d{4,17}$/.test(account)) {
      errors.push({
        field: 'accountNumber',
        code: 'invalid_account_number',
        message: 'Enter 4 to 17 digits',
      });
    }
    const behaviour = routing === TEST_ROUTING_NUMBER ? testBankAccounts[account] : undefined;
    if (errors.length === 0 && this.options.mode === 'test' && !behaviour) {
      errors.push({
        field: 'accountNumber',
        code: 'not_a_test_number',
        message: 'This is a test system: use routing 110000000 with a sandbox test account number',
      });
    } else if (errors.length === 0 && this.options.mode === 'live' && behaviour) {
      errors.push({
        field: 'accountNumber',
        code: 'test_number_in_live_mode',
        message: 'Test bank accounts cannot be used',
      });
    }
    if (errors.length > 0 || !behaviour) return { ok: false, errors };
    const id = tokenId('btok');
    await this.db
      .insertInto('sandbox_tokens')
      .values({
        id,
        kind: 'bank',
        brand: null,
        last4: account.slice(-4),
        exp_month: null,
        exp_year: null,
        bank_account_type: input.accountType,
        holder_name: input.holderName,
        behaviour,
      })
      .execute();
    return {
      ok: true,
      token: id,
      method: {
        kind: 'bank',
        last4: account.slice(-4),
        accountType: input.accountType,
        holderName: input.holderName,
      },
    };
  }

  async retrievePaymentMethod(token: string): Promise<PaymentMethodDetails | null> {
    const row = await this.db
      .selectFrom('sandbox_tokens')
      .selectAll()
      .where('id', '=', token)
      .executeTakeFirst();
    if (!row || (row.used && !row.attached_to)) return null;
    if (row.kind === 'card') {
      return {
        kind: 'card',
        brand: row.brand as AcceptedBrand,
        last4: row.last4,
        expMonth: row.exp_month ?? 0,
        expYear: row.exp_year ?? 0,
      };
    }
    return {
      kind: 'bank',
      last4: row.last4,
      accountType: row.bank_account_type === 'savings' ? 'savings' : 'checking',
      holderName: row.holder_name ?? '',
    };
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const [outcome] = await this.record([request]);
    // No outcome: the token is unknown, used up or removed.
    if (!outcome) throw new ProcessorError('unknown token', 'unavailable');
    return this.answer(outcome);
  }

  async chargeMany(requests: readonly ChargeRequest[]): Promise<(ChargeOutcome | null)[]> {
    if (requests.length === 0) return [];
    const outcomes = await this.record(requests);
    if (this.faults.timeoutAfterSuccess)
      throw new ProcessorError('sandbox timed out (fault switch)', 'timeout');
    return outcomes;
  }

  /**
   * Records charges in one statement: one made earlier under the same key is answered again;
   * otherwise each is recorded with what its token's behaviour decides (and a card that paid is
   * spent). The outcome of each request in order, null for an unknown token.
   */
  private async record(requests: readonly ChargeRequest[]): Promise<(ChargeOutcome | null)[]> {
    if (this.faults.latencyMs) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (this.faults.unavailable)
      throw new ProcessorError('sandbox unavailable (fault switch)', 'unavailable');
    const settlesAt = toDate(this.clock.now().add({ seconds: this.options.settlementSeconds ?? 60 }));
    const rows = requests.map((r) => ({
      charge_id: tokenId('ch'),
      idempotency_key: r.idempotencyKey,
      token: r.token,
      amount_cents: r.amountCents,
      currency: r.currency,
      description: r.description,
    }));
    const keys = rows.map((r) => r.idempotency_key);
    const found = await runStmt<{
      idempotency_key: string;
      id: string;
      status: string;
      failure_code: string | null;
    }>(
      this.db,
      stmt`
      with req as (
        select * from ${rowsTable(
          'r',
          {
            charge_id: 'text',
            idempotency_key: 'text',
            token: 'text',
            amount_cents: 'bigint',
            currency: 'text',
            description: 'text',
          },
          rows,
        )}
      ),
      earlier as (
        select idempotency_key, id, status, failure_code from sandbox_charges
        where idempotency_key = any(${keys}::text[])
      ),
      decided as (
        select r.*, t.kind, o.failure_code, o.return_code
        from req r
        join sandbox_tokens t on t.id = r.token
        join jsonb_to_recordset(${OUTCOMES_JSON}::jsonb) as o(behaviour text, failure_code text, return_code text)
          on o.behaviour = t.behaviour
        where not exists (select 1 from earlier e where e.idempotency_key = r.idempotency_key)
          -- A single-use token that paid once, or a saved method removed since, charges no more.
          and (not t.used or t.attached_to is not null)
      ),
      charged as (
        insert into sandbox_charges (id, idempotency_key, token_id, amount_cents, currency, status,
          failure_code, description, return_code, settles_at)
        select charge_id, idempotency_key, token, amount_cents, currency,
          case when failure_code is null then 'succeeded' else 'failed' end, failure_code,
          description, case when kind = 'bank' then return_code end,
          case when kind = 'bank' then ${settlesAt}::timestamptz end
        from decided
        on conflict (idempotency_key) do nothing
        returning idempotency_key, id, status, failure_code, token_id
      ),
      spent as (
        update sandbox_tokens set used = true
        where id in (select token_id from charged where status = 'succeeded') and attached_to is null
      )
      select idempotency_key, id, status, failure_code from charged
      union all
      select idempotency_key, id, status, failure_code from earlier`,
    );
    const byKey = new Map(
      found.map((row) => [
        row.idempotency_key,
        outcomeOf(row.id, row.status === 'failed' ? (row.failure_code as DeclineCode) : null),
      ]),
    );
    // No row for a key: its token is unknown or used up, or a concurrent request with the same key recorded it first.
    return Promise.all(
      requests.map(async (r) => byKey.get(r.idempotencyKey) ?? (await this.findCharge(r.idempotencyKey))),
    );
  }

  async attachPaymentMethod(token: string, customer: string): Promise<string | null> {
    // The sandbox's saved method is the token itself, no longer spent by a charge.
    const row = await this.db
      .updateTable('sandbox_tokens')
      .set({ attached_to: customer })
      .where('id', '=', token)
      .where('used', '=', false)
      .where((eb) => eb.or([eb('attached_to', 'is', null), eb('attached_to', '=', customer)]))
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  }

  async detachPaymentMethod(methodId: string): Promise<void> {
    await this.db
      .updateTable('sandbox_tokens')
      .set({ attached_to: null, used: true })
      .where('id', '=', methodId)
      .execute();
  }

  /** Every charge answer passes here, so the lost-response fault loses replays too. */
  private answer(outcome: ChargeOutcome): ChargeOutcome {
    if (this.faults.timeoutAfterSuccess)
      throw new ProcessorError('sandbox timed out (fault switch)', 'timeout');
    return outcome;
  }

  async bankDebitState(idempotencyKey: string): Promise<BankDebitState | null> {
    const row = await this.db
      .selectFrom('sandbox_charges')
      .select(['status', 'return_code', 'settles_at'])
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (row?.status !== 'succeeded' || !row.settles_at) return null;
    if (row.settles_at.getTime() > this.clock.now().epochMilliseconds) return { state: 'pending' };
    return row.return_code ? { state: 'returned', returnCode: row.return_code } : { state: 'settled' };
  }

  async representBankDebit(request: RepresentRequest): Promise<ChargeOutcome> {
    if (this.faults.latencyMs) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (this.faults.unavailable)
      throw new ProcessorError('sandbox unavailable (fault switch)', 'unavailable');
    const earlier = await this.findCharge(request.idempotencyKey);
    if (earlier) return this.answer(earlier);
    const returned = await this.db
      .selectFrom('sandbox_charges as c')
      .innerJoin('sandbox_tokens as t', 't.id', 'c.token_id')
      .select(['c.token_id', 'c.amount_cents', 'c.return_code', 't.behaviour'])
      .where('c.idempotency_key', '=', request.returnedKey)
      .executeTakeFirst();
    if (!returned) {
      return this.answer({
        status: 'failed',
        chargeId: null,
        code: 'invalid_account',
        ...declineMessages.invalid_account,
      });
    }
    // Only an R01 of the same amount may be presented again; R01 accounts return it again, except
    // the one that has the money by the second time.
    const allowed = returned.return_code === 'R01' && Number(returned.amount_cents) === request.amountCents;
    await this.db
      .insertInto('sandbox_charges')
      .values({
        id: tokenId('ch'),
        idempotency_key: request.idempotencyKey,
        token_id: returned.token_id,
        amount_cents: request.amountCents,
        currency: request.currency,
        status: allowed ? 'succeeded' : 'failed',
        failure_code: allowed ? null : 'invalid_account',
        description: request.description,
        return_code: allowed && returned.behaviour === 'return_R01' ? 'R01' : null,
        settles_at: allowed
          ? toDate(this.clock.now().add({ seconds: this.options.settlementSeconds ?? 60 }))
          : null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
    const outcome = await this.findCharge(request.idempotencyKey);
    if (!outcome) throw new ProcessorError('representment not recorded', 'unavailable');
    return this.answer(outcome);
  }

  /** Honours the fault switches as a charge does: latency, a 5xx before anything is recorded, a lost answer after. */
  async refund(request: RefundRequest): Promise<RefundOutcome> {
    if (this.faults.latencyMs) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (this.faults.unavailable)
      throw new ProcessorError('sandbox unavailable (fault switch)', 'unavailable');
    const outcome = await recordSandboxRefund(
      this.db,
      this.clock,
      request,
      this.options.settlementSeconds ?? 60,
    );
    if (this.faults.timeoutAfterSuccess)
      throw new ProcessorError('sandbox timed out (fault switch)', 'timeout');
    return outcome;
  }

  findRefund(lookup: { idempotencyKey: string; chargeId: string }): Promise<RefundOutcome | null> {
    return findSandboxRefund(this.db, this.clock, lookup.idempotencyKey);
  }

  async findCharge(idempotencyKey: string): Promise<ChargeOutcome | null> {
    const row = await this.db
      .selectFrom('sandbox_charges')
      .select(['id', 'status', 'failure_code'])
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (!row) return null;
    return outcomeOf(row.id, row.status === 'failed' ? (row.failure_code as DeclineCode) : null);
  }
}

function declineFor(behaviour: CardBehaviour | BankBehaviour): DeclineCode | null {
  if (behaviour === 'succeed' || behaviour.startsWith('return_')) return null;
  if (behaviour === 'attach_then_decline') return 'card_declined';
  return behaviour as DeclineCode;
}

/** What a charge on each token behaviour records, handed to the charge statement as data. */
const OUTCOMES_JSON = JSON.stringify(
  [
    ...new Set<CardBehaviour | BankBehaviour>([
      ...Object.values(testCards).map((c) => c.behaviour),
      ...Object.values(testBankAccounts),
      'card_declined',
    ]),
  ].map((behaviour) => ({
    behaviour,
    failure_code: declineFor(behaviour),
    // return_R01_once returns R01 on its first presentment (representBankDebit decides the next ones).
    return_code: behaviour.startsWith('return_')
      ? behaviour.slice('return_'.length, 'return_R01'.length)
      : null,
  })),
);

function outcomeOf(chargeId: string, decline: DeclineCode | null): ChargeOutcome {
  if (!decline) return { status: 'succeeded', chargeId };
  const { message, retryable } = declineMessages[decline];
  return { status: 'failed', chargeId, code: decline, message, retryable };
}
