/**
 * Many payments at once, for work that charges many accounts (the daily autopay run). Each payment is
 * exactly what payBills makes — the same checks, attempt, processor call under the attempt id, outcome,
 * ledger posting, receipt and idempotency answer — but a batch writes all its attempts in ONE statement,
 * asks the processor about them in one call (chargeMany) and applies all the outcomes in ONE statement,
 * instead of a few round trips and commits per payment (DESIGN.md §4, bench/README.md).
 *
 * Each payment in a batch still happens or not on its own: the attempt statement's guard lets through
 * only the payments whose bills are still as read and not being paid by anyone else, and whose
 * idempotency key it claims; the outcome statement moves only payments still `processing`. A process
 * that dies between the statements leaves committed attempts, each under its key, for the caller's
 * next pass (runIdempotent finds the key and resumes that payment) and for the reconciler.
 */
import type { BankAuthorization } from '../../db/schema';
import { type Actor, atOneInstant, type Deps, type RequestContext } from '../../deps';
import { cardBrandLabel } from '../../domain/cards';
import { methodRefusal as refusalOf } from '../../domain/payment-rules';
import { AppError } from '../../errors';
import { newId } from '../../platform/ids';
import { recordPaymentOutcome } from '../../platform/metrics';
import {
  type ChargeOutcome,
  type PaymentMethodDetails,
  ProcessorError,
} from '../../platform/processors/processor';
import {
  batchStatement,
  insertUnitRows,
  NamedPart,
  rowsTable,
  runBatch,
  type Stmt,
  stmt,
  type UnitRow,
} from '../../platform/statement';
import { paymentParts as billPaymentParts } from '../bills/bills.service';
import type { KeyCompletion, KeyedWork } from '../idempotency/idempotency.service';
import { claimsPart, completionsPart } from '../idempotency/idempotency.store';
import type { LoadedPayment } from './payment-views.service';
import { billPaidEventsPart } from './payment-webhooks';
import {
  type BillForPayment,
  buildAttempt,
  COLLECTED_BILLS,
  type OutcomeRows,
  outcomeRows,
  type PayBillsOptions,
  processorDescription,
} from './payments.service';

export interface BatchPayment {
  /** The caller's name for this payment (an autopay item's id): the outcome is keyed by it. */
  ref: string;
  actor: Actor;
  ctx: RequestContext;
  channel: PayBillsOptions['channel'];
  accountId: string;
  /** The bills to pay, as read just before (bills.service findBillsForPayment). */
  bills: readonly BillForPayment[];
  amountCents: number;
  /** A saved method's processor token, and what the method is as saved. */
  paymentToken: string;
  method: PaymentMethodDetails;
  /** A bank debit's authorization, given earlier (autopay's recurring one). */
  bankAuthorization: BankAuthorization | null;
  payerEmail: string | null;
  /** The payment's idempotency key, claimed by the attempt statement and answered by the outcome one. */
  idempotency: KeyedWork;
}

export type BatchOutcome =
  | { status: 'paid'; paymentId: string }
  | { status: 'declined'; paymentId: string; code: string; message: string }
  /** The processor's answer was lost: the reconciler (or the caller's next pass) finishes it. */
  | { status: 'pending'; paymentId: string }
  /**
   * Not attempted here: a check payBills makes refused it, a bill changed or is being paid, or its key
   * was taken. Nothing was written for it; paying it alone gives the payer's answer.
   */
  | { status: 'not_made'; reason: string };

/** Rows the caller writes in the outcome statement, e.g. its own record of each payment (units: payment ids). */
export type OutcomeParts = (
  outcomes: readonly { ref: string; paymentId: string; outcome: BatchOutcome }[],
) => Stmt[];

/** A batch statement failed only because of a concurrent payer: run it again on a fresh snapshot. */
function isConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return (
    e?.code === '40P01' || (e?.code === '23505' && e.constraint === 'payment_allocations_one_live_per_bill')
  );
}

const ROUNDS = 3;

async function withConflictRetry<T>(run: () => Promise<T>): Promise<T | null> {
  for (let round = 1; ; round++) {
    try {
      return await run();
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (round === ROUNDS) return null;
    }
  }
}

interface Attempt {
  ref: string;
  request: BatchPayment;
  loaded: LoadedPayment;
  rows: ReturnType<typeof buildAttempt>;
}

/** What payBills's checkPaymentMethod refuses, for a method known from the wallet. */
function methodRefusal(deps: Deps, p: BatchPayment): string | null {
  const org = deps.config.organization;
  const refusal = refusalOf(org.payments, p.method);
  if (refusal?.code === 'brand_not_accepted') return `brand_not_accepted:${cardBrandLabel(refusal.brand)}`;
  if (p.method.kind === 'bank' && (refusal || !p.bankAuthorization)) {
    return 'bank_not_authorized';
  }
  return null;
}

function buildAttempts(deps: Deps, payments: readonly BatchPayment[], outcomes: Map<string, BatchOutcome>) {
  const attempts: Attempt[] = [];
  const billsInBatch = new Set<string>();
  for (const p of payments) {
    const refusal = methodRefusal(deps, p);
    if (refusal) {
      outcomes.set(p.ref, { status: 'not_made', reason: refusal });
      continue;
    }
    // A bill is paid by one attempt at a time: a second payment of it waits for its own run.
    if (p.bills.length === 0 || p.bills.some((b) => billsInBatch.has(b.id))) {
      outcomes.set(p.ref, { status: 'not_made', reason: 'bill_in_batch' });
      continue;
    }
    try {
      const rows = buildAttempt(deps, {
        ...p,
        paymentId: newId(),
        authorization: p.bankAuthorization,
      });
      for (const b of p.bills) billsInBatch.add(b.id);
      attempts.push({ ref: p.ref, request: p, loaded: rows.loaded, rows });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      outcomes.set(p.ref, { status: 'not_made', reason: err.code });
    }
  }
  return attempts;
}

/** What every attempt of a batch starts as (buildAttempt, at the batch's one instant). */
const ATTEMPT_SHARED = [
  'status',
  'currency',
  'processor',
  'processor_charge_id',
  'failure_code',
  'failure_message',
  'failure_retryable',
  'reconcile_attempts',
  'next_reconcile_at',
  'created_at',
  'updated_at',
  'completed_at',
  'settled_at',
  'settlement_check_at',
  'return_code',
  'represents_payment_id',
  'presentment',
] as const;

/** The attempt statement: the payments that went ahead (their bills locked as read, their keys claimed). */
function insertAttempts(deps: Deps, attempts: readonly Attempt[]): Promise<Set<string> | null> {
  const unit = <T>(a: Attempt, row: T): UnitRow<T> => ({ unit: a.loaded.payment.id, row });
  const statement = batchStatement({
    prelude: billPaymentParts.lockUnchangedBillsInBatch(
      attempts.flatMap((a) =>
        a.request.bills.map((b) =>
          unit(a, { bill_id: b.id, account_id: a.request.accountId, balance_cents: b.balance_cents }),
        ),
      ),
    ),
    guard: claimsPart(
      attempts.map((a) => unit(a, a.request.idempotency.claimRow(a.loaded.payment.id))),
      stmt`r.resource_id in (select id from ready)`,
    ),
    // The columns named after the rows are the same in every attempt: sent once (insertUnitRows).
    parts: [
      insertUnitRows(
        'payments',
        attempts.map((a) => unit(a, a.loaded.payment)),
        ATTEMPT_SHARED,
      ),
      insertUnitRows(
        'payment_allocations',
        attempts.flatMap((a) => a.rows.allocations.map((row) => unit(a, row))),
        ['live'],
      ),
      insertUnitRows(
        'payment_events',
        attempts.map((a) => unit(a, a.rows.event)),
        ['from_status', 'to_status', 'at'],
      ),
      insertUnitRows(
        'audit_events',
        attempts.map((a) => unit(a, a.rows.audit)),
        ['at', 'action', 'result', 'resource_type'],
      ),
    ],
  });
  return withConflictRetry(() => runBatch(deps.db, statement));
}

/** Asks the processor about every attempt (once more for answers lost: the attempt id makes that safe). */
async function chargeAttempts(deps: Deps, attempts: readonly Attempt[]): Promise<(ChargeOutcome | null)[]> {
  const outcomes: (ChargeOutcome | null)[] = attempts.map(() => null);
  for (let round = 0; round < 2; round++) {
    const asking = attempts.flatMap((_, i) => (outcomes[i] ? [] : [i]));
    if (asking.length === 0) break;
    try {
      const answers = await deps.processor.chargeMany(
        asking.map((i) => {
          const payment = (attempts[i] as Attempt).loaded.payment;
          return {
            idempotencyKey: payment.id,
            token: payment.processor_token,
            amountCents: payment.amount_cents,
            currency: payment.currency,
            description: processorDescription(deps, payment),
          };
        }),
      );
      asking.forEach((i, k) => {
        outcomes[i] = answers[k] ?? null;
      });
    } catch (err) {
      if (!(err instanceof ProcessorError)) throw err;
      deps.logger.warn({ payments: asking.length, kind: err.kind }, 'processor answers lost');
    }
  }
  return outcomes;
}

function batchOutcomeOf(paymentId: string, outcome: ChargeOutcome | null): BatchOutcome {
  if (!outcome) return { status: 'pending', paymentId };
  if (outcome.status === 'succeeded') return { status: 'paid', paymentId };
  return { status: 'declined', paymentId, code: outcome.code, message: outcome.message };
}

/** The columns of the outcome statement's payment updates. */
const PATCH_COLUMNS = {
  id: 'uuid',
  final: 'boolean',
  status: 'text',
  processor_charge_id: 'text',
  failure_code: 'text',
  failure_message: 'text',
  failure_retryable: 'boolean',
} as const;

/** What every receipt a batch queues has (notifications referenceEmailRow, at one instant). */
const RECEIPT_SHARED = [
  'kind',
  'subject',
  'text_body',
  'html_body',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
  'message_id',
  'created_at',
  'sent_at',
] as const;

/** The outcome statement: the payments it moved from `processing`. */
function applyOutcomes(
  deps: Deps,
  applied: readonly { attempt: Attempt; rows: OutcomeRows; outcome: BatchOutcome }[],
  callerParts: OutcomeParts | undefined,
): Promise<Set<string> | null> {
  const unit = <T>(a: Attempt, row: T): UnitRow<T> => ({ unit: a.loaded.payment.id, row });
  const collect = applied.flatMap((x) => x.rows.collect.map((c) => unit(x.attempt, c)));
  const postings = applied.flatMap((x) => (x.rows.posting ? [{ a: x.attempt, ...x.rows.posting }] : []));
  const audits = applied.flatMap((x) => (x.rows.audit ? [unit(x.attempt, x.rows.audit)] : []));
  const receipts = applied.flatMap((x) => (x.rows.receipt ? [unit(x.attempt, x.rows.receipt)] : []));
  const webhookEvents = applied.flatMap((x) => x.rows.webhookEvents.map((e) => unit(x.attempt, e)));
  const billPaid = applied.flatMap((x) => x.rows.billPaid);
  const completions: UnitRow<KeyCompletion>[] = applied.flatMap((x) =>
    x.rows.response ? [unit(x.attempt, x.attempt.request.idempotency.completion(x.rows.response))] : [],
  );
  const now = applied[0]?.rows.at ?? new Date();
  const patches = applied.map((x) => ({
    id: x.attempt.loaded.payment.id,
    final: x.rows.final,
    status: x.rows.patch.status,
    processor_charge_id: x.rows.patch.processor_charge_id ?? null,
    failure_code: x.rows.patch.failure_code ?? null,
    failure_message: x.rows.patch.failure_message ?? null,
    failure_retryable: x.rows.patch.failure_retryable ?? null,
  }));
  const statement = batchStatement({
    prelude: [['bill_locks', billPaymentParts.lockBillsInOrder(collect.map((c) => c.row.bill_id))]],
    // The bills are locked first, in id order, as every attempt locks them: no deadlock with a payer.
    guard: stmt`update payments p
      set status = o.status, processor_charge_id = o.processor_charge_id, failure_code = o.failure_code,
        failure_message = o.failure_message, failure_retryable = o.failure_retryable, updated_at = ${now},
        completed_at = case when o.final then ${now}::timestamptz else p.completed_at end,
        next_reconcile_at = case when o.final then null else p.next_reconcile_at end
      from ${rowsTable('o', PATCH_COLUMNS, patches)}
      where p.id = o.id and p.status = 'processing' and (select count(*) from bill_locks) >= 0
      returning p.id, o.final`,
    parts: [
      stmt`update payment_allocations a set live = false from guard g where a.payment_id = g.id and g.final`,
      insertUnitRows(
        'payment_events',
        applied.map((x) => unit(x.attempt, x.rows.event)),
        ['from_status', 'at'],
      ),
      ...(collect.length > 0
        ? [new NamedPart(COLLECTED_BILLS, billPaymentParts.collectOnBillsInBatch(collect, now))]
        : []),
      ...(postings.length > 0
        ? [
            insertUnitRows(
              'ledger_postings',
              postings.map((p) => unit(p.a, p.posting)),
              ['kind', 'bill_id', 'reverses_posting_id', 'memo', 'created_at'],
            ),
            insertUnitRows(
              'ledger_lines',
              postings.flatMap((p) => p.lines.map((line) => unit(p.a, line))),
            ),
          ]
        : []),
      ...(audits.length > 0
        ? [
            insertUnitRows('audit_events', audits, [
              'at',
              'actor_type',
              'actor_id',
              'resource_type',
              'ip',
              'request_id',
            ]),
          ]
        : []),
      // Receipts are queued by reference (rendered when sent): no subject or bodies of their own.
      ...(receipts.length > 0 ? [insertUnitRows('outbox_emails', receipts, RECEIPT_SHARED)] : []),
      ...(webhookEvents.length > 0 ? [insertUnitRows('webhook_events', webhookEvents, ['created_at'])] : []),
      // Only bills of payments the guard let through are among those collected.
      ...(billPaid.length > 0 && collect.length > 0 ? [billPaidEventsPart(billPaid, COLLECTED_BILLS)] : []),
      ...(completions.length > 0 ? [completionsPart(completions)] : []),
      ...(callerParts?.(
        applied.map((x) => ({
          ref: x.attempt.ref,
          paymentId: x.attempt.loaded.payment.id,
          outcome: x.outcome,
        })),
      ) ?? []),
    ],
  });
  return withConflictRetry(() => runBatch(deps.db, statement));
}

/**
 * Pays each of `payments` as payBills would, in one attempt statement, one processor call and one
 * outcome statement. The outcome of each, by ref. `outcomeParts` adds the caller's rows to the outcome
 * statement, so its record of each payment commits with the payment's outcome.
 */
export async function payBillsInBatch(
  deps: Deps,
  payments: readonly BatchPayment[],
  options: { outcomeParts?: OutcomeParts } = {},
): Promise<Map<string, BatchOutcome>> {
  const outcomes = new Map<string, BatchOutcome>();
  // A batch's attempts are made at one instant, and its outcomes at another.
  const attempts = buildAttempts(atOneInstant(deps), payments, outcomes);
  if (attempts.length === 0) return outcomes;

  const made = await insertAttempts(deps, attempts);
  const going = attempts.filter((a) => made?.has(a.loaded.payment.id));
  for (const a of attempts) {
    if (!made?.has(a.loaded.payment.id)) outcomes.set(a.ref, { status: 'not_made', reason: 'bills_changed' });
  }
  if (going.length === 0) return outcomes;

  const answers = await chargeAttempts(deps, going);
  const answeredAt = atOneInstant(deps);
  const applied = going.map((attempt, i) => {
    const answer = answers[i] ?? null;
    return {
      attempt,
      rows: outcomeRows(answeredAt, attempt.loaded, answer),
      outcome: batchOutcomeOf(attempt.loaded.payment.id, answer),
    };
  });
  // Not applied (moved by the reconciler first, or conflicts to the end): the payment stands as its
  // record says, and the caller's next pass reads it through the key.
  const moved = await applyOutcomes(deps, applied, options.outcomeParts);
  for (const x of applied) {
    const id = x.attempt.loaded.payment.id;
    outcomes.set(x.attempt.ref, moved?.has(id) ? x.outcome : { status: 'pending', paymentId: id });
    if (moved?.has(id))
      recordPaymentOutcome(deps.metrics, x.rows.patch.status, x.attempt.loaded.payment.method_type);
  }
  return outcomes;
}
