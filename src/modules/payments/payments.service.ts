/**
 * Making a payment (DESIGN.md §4): the checks every payment passes, the attempt committed before the
 * processor is called, the outcome applied, and one attempt reconciled. Views and receipts are in
 * payment-views and payment-receipts; the guest, history and reconciler use cases in their own files.
 */
import type { Insertable } from 'kysely';
import type {
  AuditEventsTable,
  BankAuthorization,
  BillKind,
  OutboxEmailsTable,
  Payment,
  PaymentAllocationsTable,
  PaymentEventsTable,
  PaymentStatus,
  WebhookEventsTable,
} from '../../db/schema';
import type { Actor, Deps, RequestContext } from '../../deps';
import { allocatePayment } from '../../domain/allocation';
import { formatMoney } from '../../domain/money';
import {
  amountProblem,
  isBillOwed,
  isLivePaymentStatus,
  minimumPaymentCents,
} from '../../domain/payment-rules';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newConfirmationNumber, newId } from '../../platform/ids';
import { recordPaymentOutcome } from '../../platform/metrics';
import {
  type ChargeOutcome,
  type PaymentMethodDetails,
  ProcessorError,
} from '../../platform/processors/processor';
import { insertRows, NamedPart } from '../../platform/statement';
import { auditRow } from '../audit/audit.service';
import { paymentParts as billPaymentParts, findBillsForPayment } from '../bills/bills.service';
import type {
  IdempotentResponse,
  IdempotentResult,
  IdempotentWork,
} from '../idempotency/idempotency.service';
import { paymentCollectedRows } from '../ledger/ledger.service';
import { checkAcceptedMethod } from '../wallet/wallet.service';
import { receiptRow } from './payment-receipts.service';
import {
  type LoadedPayment,
  type Locale,
  loadPaymentWithAccount,
  paymentResponse,
  toPaymentView,
  viewResponse,
} from './payment-views.service';
import { type BillPaidCandidate, billPaidEventsPart, outcomeWebhookEvents } from './payment-webhooks';
import * as store from './payments.store';

/** First reconciler look at an attempt the API is still working on. */
const RECONCILE_GRACE_SECONDS = 60;

export interface PayBillsOptions {
  actor: Actor;
  ctx: RequestContext;
  channel: 'guest' | 'member' | 'staff' | 'scheduled' | 'autopay' | 'api';
  accountId: string;
  billIds: readonly string[];
  amountCents: number;
  paymentToken: string;
  payerEmail: string | null;
  /**
   * The payer's authorization of a bank debit. A debit authorized earlier (a scheduled payment) carries
   * when and from where it was given; otherwise it is given now, from this request.
   */
  bankAuthorization: { accepted: true; textVersion: string; acceptedAt?: string; ip?: string | null } | null;
  idempotency: IdempotentWork;
  /**
   * A bank debit returned for insufficient funds, presented again: same amount, same account, under
   * the authorization it was first made with (`paymentToken` and `bankAuthorization` are not used).
   */
  represents?: Payment;
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === constraint;
}

async function checkPaymentMethod(
  deps: Deps,
  opts: PayBillsOptions,
): Promise<{ method: PaymentMethodDetails; authorization: BankAuthorization | null }> {
  const org = deps.config.organization;
  const method = await deps.processor.retrievePaymentMethod(opts.paymentToken);
  if (!method) {
    throw new AppError('payment_method_invalid', {
      detail: 'This payment method has expired or was already used. Enter it again.',
      errors: [{ field: 'paymentToken', code: 'unknown_token', message: 'Enter your payment details again' }],
    });
  }
  checkAcceptedMethod(deps, method);
  if (method.kind === 'bank') {
    const auth = opts.bankAuthorization;
    // An authorization given earlier (a scheduled payment's, autopay's recurring one) was checked
    // against the words then in force, and stands as given; one given now must be to today's words.
    const givenEarlier = auth?.acceptedAt !== undefined;
    if (!auth || (!givenEarlier && auth.textVersion !== org.payments.achAuthorizationVersion)) {
      throw new AppError('validation_failed', {
        detail: 'Accept the bank debit authorization to pay from a bank account.',
        errors: [
          {
            field: 'bankAuthorization',
            code: auth ? 'outdated_version' : 'required',
            message: 'Confirm that you authorize this debit from your bank account',
          },
        ],
      });
    }
    return {
      method,
      authorization: {
        textVersion: auth.textVersion,
        acceptedAt: auth.acceptedAt ?? deps.clock.now().toString(),
        ip: auth.ip !== undefined ? auth.ip : opts.ctx.ip,
        holderName: method.holderName,
      },
    };
  }
  return { method, authorization: null };
}

/** How many times the bills are read again when one changed between the read and the lock. */
const ATTEMPT_ROUNDS = 3;

/**
 * Pays one or several bills of one account (DESIGN.md §4). The attempt is committed, with the bills
 * locked and their balances re-checked, before the processor is called with the attempt id as its
 * idempotency key; the outcome is then applied in a second transaction. A lost answer leaves the
 * attempt `unknown` for the reconciler, never `failed`.
 *
 * Each phase is one statement (platform/statement.ts): the bills are read first, unlocked; the
 * attempt statement locks them and goes ahead only if they are still as read (else they are read
 * again), claiming the client's idempotency key with it; the outcome statement also stores the
 * client's answer.
 */
export async function payBills(deps: Deps, opts: PayBillsOptions): Promise<IdempotentResult> {
  if (opts.idempotency.resumeResourceId) {
    // A previous request with this key died after creating its attempt: finish that one.
    await reconcilePayment(deps, opts.idempotency.resumeResourceId);
    return paymentResponse(deps, opts.idempotency.resumeResourceId);
  }
  if (new Set(opts.billIds).size !== opts.billIds.length) {
    throw new AppError('validation_failed', {
      errors: [{ field: 'billIds', code: 'duplicate', message: 'Select each bill only once' }],
    });
  }
  const [{ method, authorization }, firstRead] = await Promise.all([
    opts.represents ? returnedBankMethod(opts.represents) : checkPaymentMethod(deps, opts),
    findBillsForPayment(deps.db, opts.accountId, opts.billIds),
  ]);
  const paymentId = newId();

  let loaded: LoadedPayment | null = null;
  for (let round = 0; !loaded; round++) {
    if (round === ATTEMPT_ROUNDS) {
      throw new AppError('payment_in_progress', {
        detail: 'These bills are changing right now. Check them again in a minute.',
      });
    }
    const bills = round === 0 ? firstRead : await findBillsForPayment(deps.db, opts.accountId, opts.billIds);
    if (bills.length !== opts.billIds.length) throw new AppError('not_found', { detail: 'Bill not found' });
    const attempt = buildAttempt(deps, { ...opts, paymentId, bills, method, authorization });
    let created: boolean;
    try {
      created = await store.insertAttempt(deps.db, {
        lockBills: billPaymentParts.lockUnchangedBills(opts.accountId, bills),
        billCount: bills.length,
        claim: opts.idempotency.claimRow(paymentId),
        payment: attempt.loaded.payment,
        allocations: attempt.allocations,
        event: attempt.event,
        audit: attempt.audit,
      });
    } catch (err) {
      if (isUniqueViolation(err, 'payment_allocations_one_live_per_bill')) {
        throw new AppError('payment_in_progress', {
          detail: 'A payment for one of these bills is already being processed. Check again in a minute.',
        });
      }
      throw err;
    }
    if (created) loaded = attempt.loaded;
  }

  const applied = await chargeAndApply(deps, loaded, opts.idempotency);
  // An applied outcome answers from what its statement wrote; anything else is read back.
  return applied ?? paymentResponse(deps, paymentId);
}

/** A bill as a payment reads it before its attempt (bills.service findBillsForPayment). */
export interface BillForPayment {
  id: string;
  number: string;
  kind: BillKind;
  status: 'open' | 'paid' | 'void';
  balance_cents: number;
  due_date: string;
  region_id: string;
}

/**
 * What the payments core takes, checked the same way wherever a payment is made or scheduled: every
 * bill still open with something owed, and an amount from the organization's minimum (or the whole
 * balance, if less) up to the balance. Throws bill_not_payable or amount_out_of_range.
 */
export function checkPayable(
  minimumCents: number,
  bills: readonly Pick<BillForPayment, 'id' | 'number' | 'status' | 'balance_cents'>[],
  amountCents: number,
): void {
  const unpayable = bills.find((b) => !isBillOwed(b.status, b.balance_cents));
  if (unpayable) {
    throw new AppError('bill_not_payable', {
      detail: `Bill ${unpayable.number} has nothing left to pay.`,
      billId: unpayable.id,
    });
  }
  const total = bills.reduce((sum, b) => sum + b.balance_cents, 0);
  const minimum = minimumPaymentCents(total, minimumCents);
  const problem = amountProblem(amountCents, total, minimumCents);
  if (problem) {
    throw new AppError('amount_out_of_range', {
      detail: `Enter an amount from ${formatMoney(minimum)} to ${formatMoney(total)}.`,
      minimumCents: minimum,
      maximumCents: total,
      errors: [
        {
          field: 'amountCents',
          code: problem,
          message: `Enter an amount from ${formatMoney(minimum)} to ${formatMoney(total)}`,
        },
      ],
    });
  }
}

/**
 * The rows of an attempt to pay `bills` as read (not yet locked), after the checks every payment
 * passes: each bill has something to pay, the amount is within range, and it is spread over the
 * bills oldest first. Throws the AppError a payer sees otherwise.
 */
export function buildAttempt(
  deps: Deps,
  opts: Pick<
    PayBillsOptions,
    'actor' | 'ctx' | 'channel' | 'accountId' | 'amountCents' | 'paymentToken' | 'payerEmail' | 'represents'
  > & {
    paymentId: string;
    bills: readonly BillForPayment[];
    method: PaymentMethodDetails;
    authorization: BankAuthorization | null;
  },
): {
  loaded: LoadedPayment;
  allocations: Insertable<PaymentAllocationsTable>[];
  event: Insertable<PaymentEventsTable>;
  audit: Insertable<AuditEventsTable>;
} {
  const org = deps.config.organization;
  const { bills, method, paymentId } = opts;
  checkPayable(org.payments.minimumCents, bills, opts.amountCents);
  const byId = new Map(bills.map((b) => [b.id, b]));
  const allocations = allocatePayment(
    opts.amountCents,
    bills.map((b) => ({ id: b.id, balance: b.balance_cents, dueDate: b.due_date })),
  ).map((a) => {
    const bill = byId.get(a.billId);
    if (!bill) throw new Error(`allocation to unknown bill ${a.billId}`);
    return {
      bill_id: a.billId,
      amount_cents: a.amount,
      number: bill.number,
      kind: bill.kind,
      due_date: bill.due_date,
    };
  });
  const now = deps.clock.now();
  const nowDate = toDate(now);
  const payment: Payment = {
    id: paymentId,
    account_id: opts.accountId,
    confirmation_number: newConfirmationNumber(),
    channel: opts.channel,
    status: 'processing',
    amount_cents: opts.amountCents,
    currency: org.currency,
    method_type: method.kind,
    method_brand: method.kind === 'card' ? method.brand : null,
    method_last4: method.last4,
    method_exp_month: method.kind === 'card' ? method.expMonth : null,
    method_exp_year: method.kind === 'card' ? method.expYear : null,
    bank_account_type: method.kind === 'bank' ? method.accountType : null,
    bank_authorization: opts.authorization,
    processor: deps.processor.name,
    processor_token: opts.represents?.processor_token ?? opts.paymentToken,
    processor_charge_id: null,
    failure_code: null,
    failure_message: null,
    failure_retryable: null,
    payer_email: opts.payerEmail,
    locale: opts.ctx.locale,
    reconcile_attempts: 0,
    next_reconcile_at: new Date(nowDate.getTime() + RECONCILE_GRACE_SECONDS * 1000),
    created_at: nowDate,
    updated_at: nowDate,
    completed_at: null,
    settled_at: null,
    settlement_check_at: null,
    return_code: null,
    represents_payment_id: opts.represents?.id ?? null,
    presentment: opts.represents ? opts.represents.presentment + 1 : 1,
  };
  return {
    loaded: {
      payment,
      account: { region_id: bills[0]?.region_id ?? '' },
      allocations: allocations.sort((x, y) =>
        x.due_date === y.due_date ? (x.number < y.number ? -1 : 1) : x.due_date < y.due_date ? -1 : 1,
      ),
    },
    allocations: allocations.map((a) => ({
      payment_id: paymentId,
      bill_id: a.bill_id,
      account_id: opts.accountId,
      amount_cents: a.amount_cents,
      live: true,
    })),
    event: store.eventRow({
      paymentId,
      accountId: opts.accountId,
      from: null,
      to: 'processing',
      detail: { channel: opts.channel },
      at: nowDate,
    }),
    audit: auditRow({
      actor: opts.actor,
      ctx: opts.ctx,
      action: 'payment.attempt',
      result: 'success',
      accountId: opts.accountId,
      resourceType: 'payment',
      resourceId: paymentId,
      detail: { amountCents: opts.amountCents, method: method.kind, bills: allocations.length },
      at: nowDate,
    }),
  };
}

/** The bank account of a returned debit, as the payment recorded it, to present the debit again. */
async function returnedBankMethod(
  returned: Payment,
): Promise<{ method: PaymentMethodDetails; authorization: BankAuthorization | null }> {
  const authorization = returned.bank_authorization;
  if (returned.method_type !== 'bank' || !authorization) {
    throw new Error(`payment ${returned.id} is not a bank debit and cannot be presented again`);
  }
  return {
    method: {
      kind: 'bank',
      last4: returned.method_last4,
      accountType: returned.bank_account_type ?? 'checking',
      holderName: authorization.holderName,
    },
    authorization,
  };
}

/** What the processor shows for a payment (on a statement, in its dashboard). */
export function processorDescription(deps: Deps, payment: Payment): string {
  return `${deps.config.organization.shortName} payment ${payment.id}`;
}

/** Sends an attempt to the processor: a charge, or a returned debit presented again. */
async function sendToProcessor(deps: Deps, payment: Payment): Promise<ChargeOutcome> {
  const common = {
    idempotencyKey: payment.id,
    amountCents: payment.amount_cents,
    currency: payment.currency,
    description: processorDescription(deps, payment),
  };
  if (payment.represents_payment_id) {
    // Our payment id is the processor's idempotency key for the returned debit.
    return deps.processor.representBankDebit({ ...common, returnedKey: payment.represents_payment_id });
  }
  return deps.processor.charge({ ...common, token: payment.processor_token });
}

/** Calls the processor (once more at once if its answer is lost: the key makes that safe) and applies the outcome. */
async function chargeAndApply(
  deps: Deps,
  loaded: LoadedPayment,
  idempotency: IdempotentWork,
): Promise<IdempotentResult | null> {
  let outcome: ChargeOutcome | null = null;
  for (let attempt = 0; attempt < 2 && !outcome; attempt++) {
    try {
      outcome = await sendToProcessor(deps, loaded.payment);
    } catch (err) {
      if (!(err instanceof ProcessorError)) throw err;
      deps.logger.warn({ paymentId: loaded.payment.id, kind: err.kind }, 'processor answer lost');
    }
  }
  return applyOutcome(deps, loaded, outcome, idempotency);
}

const systemActor: Actor = { type: 'system', name: 'payments' };

/** Everything a processor outcome writes for one attempt (applyOutcome, and the batch's outcome statement). */
export interface OutcomeRows {
  at: Date;
  patch: Partial<Payment> & { status: PaymentStatus };
  /** The attempt is over: its allocations stop being live. */
  final: boolean;
  event: Insertable<PaymentEventsTable>;
  /** What a collected payment takes off each bill. */
  collect: { bill_id: string; amount_cents: number }[];
  posting: ReturnType<typeof paymentCollectedRows> | null;
  audit: Insertable<AuditEventsTable> | null;
  receipt: Insertable<OutboxEmailsTable> | null;
  /** The client's answer, once the outcome is final. */
  response: IdempotentResponse | null;
  /** payment.succeeded or payment.failed, once the outcome is final. */
  webhookEvents: Insertable<WebhookEventsTable>[];
  /** bill.paid for each bill the outcome leaves paid (billPaidEventsPart, from the `collected` part). */
  billPaid: BillPaidCandidate[];
}

/** The name of an outcome statement's part that takes the money off the bills (its rows: id, status). */
export const COLLECTED_BILLS = 'collected_bills';

/** What applying `outcome` (null: not known) to a non-terminal attempt as loaded writes. */
export function outcomeRows(deps: Deps, loaded: LoadedPayment, outcome: ChargeOutcome | null): OutcomeRows {
  const { payment } = loaded;
  const seen = payment.status;
  const now = toDate(deps.clock.now());
  const event = (to: PaymentStatus, detail: Record<string, unknown> | undefined) =>
    store.eventRow({ paymentId: payment.id, accountId: payment.account_id, from: seen, to, detail, at: now });
  const audit = (action: string, result: 'success' | 'failure', detail: Record<string, unknown>) =>
    auditRow({
      actor: systemActor,
      ctx: null,
      action,
      result,
      accountId: payment.account_id,
      resourceType: 'payment',
      resourceId: payment.id,
      detail,
      at: now,
    });
  const none = { at: now, collect: [], posting: null, receipt: null };
  const webhooks = outcomeWebhookEvents(payment, loaded.allocations, outcome, now);

  if (!outcome) {
    return {
      ...none,
      patch: { status: 'unknown', updated_at: now },
      final: false,
      event: event('unknown', undefined),
      audit: null,
      response: null,
      webhookEvents: [],
      billPaid: [],
    };
  }
  const finished = {
    updated_at: now,
    completed_at: now,
    next_reconcile_at: null,
    processor_charge_id: outcome.chargeId,
  };
  if (outcome.status === 'failed') {
    const patch = {
      ...finished,
      status: 'failed' as const,
      failure_code: outcome.code,
      failure_message: outcome.message,
      failure_retryable: outcome.retryable,
    };
    return {
      ...none,
      patch,
      final: true,
      event: event('failed', { code: outcome.code }),
      audit: audit('payment.declined', 'failure', { code: outcome.code }),
      response: viewResponse(toPaymentView(deps, { ...loaded, payment: { ...payment, ...patch } })),
      webhookEvents: webhooks.events,
      billPaid: [],
    };
  }
  const patch = { ...finished, status: 'succeeded' as const };
  const after: LoadedPayment = { ...loaded, payment: { ...payment, ...patch } };
  const locale: Locale = payment.locale === 'es' ? 'es' : 'en';
  return {
    at: now,
    patch,
    final: true,
    event: event('succeeded', { chargeId: outcome.chargeId }),
    collect: loaded.allocations.map((a) => ({ bill_id: a.bill_id, amount_cents: a.amount_cents })),
    posting: paymentCollectedRows({
      accountId: payment.account_id,
      paymentId: payment.id,
      allocations: loaded.allocations.map((a) => ({ billId: a.bill_id, amountCents: a.amount_cents })),
      at: now,
    }),
    audit: audit('payment.succeeded', 'success', { amountCents: payment.amount_cents }),
    receipt: payment.payer_email ? receiptRow(payment, payment.payer_email, locale, now) : null,
    response: viewResponse(toPaymentView(deps, after)),
    webhookEvents: webhooks.events,
    billPaid: webhooks.billPaid,
  };
}

/**
 * Applies a processor outcome (or its absence) to a non-terminal attempt as loaded; a no-op when the
 * attempt is final or another process moved it first. Returns the client's answer when a final
 * outcome was applied here — stored with the idempotency key in the same statement when `idempotency`
 * is given — and null otherwise.
 */
async function applyOutcome(
  deps: Deps,
  loaded: LoadedPayment,
  outcome: ChargeOutcome | null,
  idempotency?: IdempotentWork,
): Promise<IdempotentResult | null> {
  const { payment } = loaded;
  if (!isLivePaymentStatus(payment.status)) return null;
  // An outcome still unknown is recorded once.
  if (!outcome && payment.status === 'unknown') return null;
  const rows = outcomeRows(deps, loaded, outcome);
  const response = rows.response;
  const applied = await store.finishAttempt(deps.db, {
    id: payment.id,
    seenStatus: payment.status,
    patch: rows.patch,
    final: rows.final,
    event: rows.event,
    parts: [
      ...(rows.collect.length > 0
        ? [new NamedPart(COLLECTED_BILLS, billPaymentParts.collectOnBills(rows.collect, rows.at))]
        : []),
      ...(rows.posting
        ? [
            insertRows('ledger_postings', [rows.posting.posting]),
            insertRows('ledger_lines', rows.posting.lines),
          ]
        : []),
      ...(rows.audit ? [insertRows('audit_events', [rows.audit])] : []),
      ...(rows.receipt ? [insertRows('outbox_emails', [rows.receipt])] : []),
      ...(rows.webhookEvents.length > 0 ? [insertRows('webhook_events', rows.webhookEvents)] : []),
      ...(rows.billPaid.length > 0 ? [billPaidEventsPart(rows.billPaid, COLLECTED_BILLS)] : []),
      ...(idempotency && response ? [idempotency.completionPart(response)] : []),
    ],
  });
  if (applied) recordPaymentOutcome(deps.metrics, rows.patch.status, payment.method_type);
  return applied && response ? { ...response, stored: !!idempotency } : null;
}

/** After this many sweeps with no record at the processor, the attempt is final: it never arrived. */
const MAX_RECONCILE_ATTEMPTS = 10;

/** Asks the processor what became of one attempt and applies it; re-sends the same key if it never arrived. */
export async function reconcilePayment(deps: Deps, paymentId: string): Promise<void> {
  const loaded = await loadPaymentWithAccount(deps.db, paymentId);
  if (!loaded || !isLivePaymentStatus(loaded.payment.status)) return;
  const { payment } = loaded;
  let outcome: ChargeOutcome | null = null;
  try {
    outcome = await deps.processor.findCharge(paymentId);
    if (!outcome && payment.reconcile_attempts < MAX_RECONCILE_ATTEMPTS) {
      outcome = await sendToProcessor(deps, payment);
    } else if (!outcome) {
      outcome = {
        status: 'failed',
        chargeId: null,
        code: 'processing_error',
        message: 'The payment could not be completed. Nothing was charged.',
        retryable: true,
      };
    }
  } catch (err) {
    if (!(err instanceof ProcessorError)) throw err;
  }
  await applyOutcome(deps, loaded, outcome);
}
