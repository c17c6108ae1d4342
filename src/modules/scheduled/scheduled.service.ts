/**
 * One-time payments scheduled for a future date: made, changed and cancelled by the member until the
 * evening before, then run by the worker on their date through the payments core, exactly once.
 */
import { Temporal } from 'temporal-polyfill';
import type { ScheduledPayment } from '../../db/schema';
import type { Deps, RequestContext } from '../../deps';
import { formatLongDate, todayIn } from '../../domain/dates';
import { formatMoney } from '../../domain/money';
import { isBillOwed } from '../../domain/payment-rules';
import {
  canChange,
  changeDeadline,
  isInWindow,
  type SchedulingWindow,
  schedulingWindow,
} from '../../domain/scheduling';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { runDueByRegion } from '../../platform/due-runs';
import { newId } from '../../platform/ids';
import { type ScheduledNotMadeReason, scheduledPaymentNotMadeMessage } from '../../platform/member-emails';
import { recordAudit } from '../audit/audit.service';
import type { MemberSession } from '../auth/auth.service';
import { findBillsForPayment } from '../bills/bills.service';
import type { IdempotentResult, IdempotentWork } from '../idempotency/idempotency.service';
import { accountOfBills } from '../members/account.service';
import { memberContact, regionPhone, sendMemberEmail } from '../members/members.service';
import {
  type BackgroundOutcome,
  backgroundPaymentOutcome,
  chargeInBackground,
  skip,
} from '../payments/background-charge';
import { getPaymentView } from '../payments/payment-views.service';
import { checkPayable, payBills } from '../payments/payments.service';
import { findSavedMethod, usableSavedMethod } from '../wallet/wallet.service';
import type {
  CreateScheduledPaymentBody,
  ScheduledPaymentView,
  UpdateScheduledPaymentBody,
} from './scheduled.schema';
import * as store from './scheduled.store';

const RUNNER = { type: 'system', name: 'scheduled-payments' } as const;

function timeZoneOf(deps: Deps, regionId: string): string {
  return deps.config.organization.regions.find((r) => r.id === regionId)?.timeZone ?? 'UTC';
}

function fieldError(field: string, code: string, message: string, detail?: string): AppError {
  return new AppError('validation_failed', {
    ...(detail ? { detail } : {}),
    errors: [{ field, code, message }],
  });
}

const OUTCOME_MESSAGES: Record<string, string> = {
  nothing_owed: 'The bills were already paid, so nothing was charged.',
  method_removed: 'The payment method was removed from your wallet, so nothing was charged.',
  expired_card: 'The card had expired, so nothing was charged.',
  method_not_accepted: 'This payment method can no longer be used, so nothing was charged.',
};

interface Plan {
  accountId: string;
  regionId: string;
  billIds: readonly string[];
  amountCents: number;
  paymentMethodId: string;
  payOn: string;
  bankAuthorization: { accepted: true; textVersion: string } | undefined;
}

/**
 * Checks a payment to schedule against the bills as they are now: open, an amount the payments core
 * would take today, a usable saved method (with the debit authorized for a bank account), and a date
 * in the window.
 */
async function checkPlan(deps: Deps, memberId: string, plan: Plan): Promise<{ window: SchedulingWindow }> {
  const bills = await findBillsForPayment(deps.db, plan.accountId, plan.billIds);
  if (bills.length !== plan.billIds.length) throw new AppError('not_found', { detail: 'Bill not found' });
  checkPayable(deps.config.organization.payments.minimumCents, bills, plan.amountCents);
  const method = await usableSavedMethod(deps, memberId, plan.regionId, plan.paymentMethodId);
  if (method.view.kind === 'bank') {
    const version = deps.config.organization.payments.achAuthorizationVersion;
    if (plan.bankAuthorization?.textVersion !== version) {
      throw fieldError(
        'bankAuthorization',
        plan.bankAuthorization ? 'outdated_version' : 'required',
        'Confirm that you authorize this debit from your bank account',
        'Accept the bank debit authorization to schedule a payment from a bank account.',
      );
    }
  }
  const today = todayIn(timeZoneOf(deps, plan.regionId), deps.clock.now());
  const earliestDue = bills
    .map((b) => Temporal.PlainDate.from(b.due_date))
    .reduce((a, b) => (Temporal.PlainDate.compare(a, b) <= 0 ? a : b));
  const window = schedulingWindow(today, earliestDue);
  if (!isInWindow(Temporal.PlainDate.from(plan.payOn), window)) {
    throw new AppError('validation_failed', {
      detail: `Choose a date from ${window.first} to ${window.last}.`,
      firstDate: window.first.toString(),
      lastDate: window.last.toString(),
      errors: [
        {
          field: 'payOn',
          code: 'out_of_range',
          message: `Choose a date from ${window.first} to ${window.last}`,
        },
      ],
    });
  }
  return { window };
}

function storedAuthorization(
  deps: Deps,
  plan: Plan,
  ctx: RequestContext,
): ScheduledPayment['bank_authorization'] {
  return plan.bankAuthorization
    ? {
        textVersion: plan.bankAuthorization.textVersion,
        acceptedAt: deps.clock.now().toString(),
        ip: ctx.ip,
      }
    : null;
}

/** What the member sees of their scheduled payments: the bills as they are now, the method, the deadline. */
async function toViews(deps: Deps, rows: readonly ScheduledPayment[]): Promise<ScheduledPaymentView[]> {
  const bills = new Map(
    (await store.listBillsByIds(deps.db, [...new Set(rows.flatMap((r) => r.bill_ids))])).map((b) => [
      b.id,
      b,
    ]),
  );
  const now = deps.clock.now();
  return Promise.all(
    rows.map(async (row) => {
      const timeZone = timeZoneOf(deps, row.region_id);
      const payOn = Temporal.PlainDate.from(row.pay_on);
      const method = await findSavedMethod(deps, row.member_id, row.region_id, row.payment_method_id);
      const outcome =
        row.status === 'failed' || row.status === 'skipped'
          ? {
              code: row.outcome_code ?? 'other',
              message:
                OUTCOME_MESSAGES[row.outcome_code ?? ''] ??
                (row.payment_id
                  ? ((await getPaymentView(deps, row.payment_id)).failure?.message ??
                    'The payment was declined.')
                  : 'We could not take the payment.'),
            }
          : null;
      return {
        id: row.id,
        status: row.status,
        payOn: row.pay_on,
        amountCents: row.amount_cents,
        bills: row.bill_ids.flatMap((id) => {
          const b = bills.get(id);
          return b
            ? [
                {
                  billId: b.id,
                  number: b.number,
                  kind: b.kind,
                  patientName: b.patient_name,
                  dueDate: b.due_date,
                  balanceCents: b.balance_cents,
                },
              ]
            : [];
        }),
        method: method?.view ?? null,
        changeableUntil:
          row.status === 'scheduled' && canChange(payOn, timeZone, now)
            ? changeDeadline(payOn, timeZone).toString()
            : null,
        paymentId: row.payment_id,
        outcome,
        createdAt: row.created_at.toISOString(),
      };
    }),
  );
}

async function viewOf(deps: Deps, row: ScheduledPayment): Promise<ScheduledPaymentView> {
  const [view] = await toViews(deps, [row]);
  if (!view) throw new Error(`scheduled payment ${row.id} has no view`);
  return view;
}

async function findOwn(deps: Deps, session: MemberSession, id: string): Promise<ScheduledPayment> {
  const row = await store.findScheduledPayment(deps.db, session.actor.memberId, id);
  if (!row) throw new AppError('not_found', { detail: 'Scheduled payment not found' });
  return row;
}

/** Schedules a payment of one account's bills for a future date (Idempotency-Key required). */
export async function schedulePayment(
  deps: Deps,
  session: MemberSession,
  body: CreateScheduledPaymentBody,
  ctx: RequestContext,
  idempotency: IdempotentWork,
): Promise<IdempotentResult> {
  const memberId = session.actor.memberId;
  if (idempotency.resumeResourceId) {
    // The request that claimed this key died after saving the schedule: answer with it.
    return { status: 201, body: await getScheduledPayment(deps, session, idempotency.resumeResourceId) };
  }
  if (new Set(body.billIds).size !== body.billIds.length) {
    throw fieldError('billIds', 'duplicate', 'Select each bill only once');
  }
  const accountId = await accountOfBills(deps, session, body.billIds);
  const bills = await findBillsForPayment(deps.db, accountId, body.billIds);
  const regionId = bills[0]?.region_id ?? session.view.member.regionId;
  const plan: Plan = { accountId, regionId, ...body, bankAuthorization: body.bankAuthorization };
  await checkPlan(deps, memberId, plan);
  const id = newId();
  const now = toDate(deps.clock.now());
  const row: ScheduledPayment = {
    id,
    member_id: memberId,
    account_id: accountId,
    region_id: regionId,
    bill_ids: [...body.billIds],
    amount_cents: body.amountCents,
    payment_method_id: body.paymentMethodId,
    bank_authorization: storedAuthorization(deps, plan, ctx),
    pay_on: body.payOn,
    status: 'scheduled',
    locked_until: null,
    payment_id: null,
    outcome_code: null,
    created_at: now,
    updated_at: now,
    canceled_at: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    // The key is claimed with the schedule, so a key exists exactly when its schedule does.
    await trx.insertInto('idempotency_keys').values(idempotency.claimRow(id)).execute();
    await store.insertScheduledPayment(trx, { ...row, bill_ids: JSON.stringify(row.bill_ids) });
    await recordAudit(trx, {
      actor: session.actor,
      ctx,
      action: 'scheduled_payment.create',
      result: 'success',
      resourceType: 'scheduled_payment',
      resourceId: id,
      accountId,
      detail: { amountCents: body.amountCents, payOn: body.payOn, bills: body.billIds.length },
    });
  });
  return { status: 201, body: await viewOf(deps, row) };
}

export async function listScheduledPayments(
  deps: Deps,
  session: MemberSession,
): Promise<{ scheduledPayments: ScheduledPaymentView[] }> {
  const rows = await store.listScheduledPayments(deps.db, session.actor.memberId, 100);
  return { scheduledPayments: await toViews(deps, rows) };
}

export async function getScheduledPayment(
  deps: Deps,
  session: MemberSession,
  id: string,
): Promise<ScheduledPaymentView> {
  return viewOf(deps, await findOwn(deps, session, id));
}

function locked(row: ScheduledPayment): AppError {
  return new AppError('scheduled_payment_locked', {
    detail:
      row.status === 'scheduled'
        ? `This payment runs on ${row.pay_on}. It could be changed or cancelled until 8 pm the evening before.`
        : `This payment is ${row.status}: it cannot be changed.`,
    scheduledStatus: row.status,
  });
}

/** Changes the amount, date or method of a waiting scheduled payment, until the evening before. */
export async function changeScheduledPayment(
  deps: Deps,
  session: MemberSession,
  id: string,
  body: UpdateScheduledPaymentBody,
  ctx: RequestContext,
): Promise<ScheduledPaymentView> {
  const row = await findOwn(deps, session, id);
  const now = deps.clock.now();
  if (
    row.status !== 'scheduled' ||
    !canChange(Temporal.PlainDate.from(row.pay_on), timeZoneOf(deps, row.region_id), now)
  ) {
    throw locked(row);
  }
  const plan: Plan = {
    accountId: row.account_id,
    regionId: row.region_id,
    billIds: row.bill_ids,
    amountCents: body.amountCents ?? row.amount_cents,
    paymentMethodId: body.paymentMethodId ?? row.payment_method_id,
    payOn: body.payOn ?? row.pay_on,
    // A new method or amount needs the debit authorized again; otherwise the one given stands.
    bankAuthorization:
      body.bankAuthorization ??
      (row.bank_authorization && body.paymentMethodId === undefined && body.amountCents === undefined
        ? { accepted: true, textVersion: row.bank_authorization.textVersion }
        : undefined),
  };
  await checkPlan(deps, session.actor.memberId, plan);
  const authorization = body.bankAuthorization
    ? storedAuthorization(deps, plan, ctx)
    : plan.bankAuthorization
      ? row.bank_authorization
      : null;
  const updated = await deps.db.transaction().execute(async (trx) => {
    const ok = await store.updateWaiting(trx, row.id, row.updated_at, {
      amount_cents: plan.amountCents,
      payment_method_id: plan.paymentMethodId,
      pay_on: plan.payOn,
      bank_authorization: authorization ? JSON.stringify(authorization) : null,
      updated_at: toDate(now),
    });
    if (ok) {
      await recordAudit(trx, {
        actor: session.actor,
        ctx,
        action: 'scheduled_payment.change',
        result: 'success',
        resourceType: 'scheduled_payment',
        resourceId: row.id,
        accountId: row.account_id,
        detail: { fields: Object.keys(body), amountCents: plan.amountCents, payOn: plan.payOn },
      });
    }
    return ok;
  });
  // Changed or claimed by someone else between the read and the write: the member sees it as it is.
  if (!updated) throw locked(await findOwn(deps, session, id));
  return getScheduledPayment(deps, session, id);
}

/** Cancels a waiting scheduled payment, until the evening before its date. */
export async function cancelScheduledPayment(
  deps: Deps,
  session: MemberSession,
  id: string,
  ctx: RequestContext,
): Promise<ScheduledPaymentView> {
  const row = await findOwn(deps, session, id);
  if (row.status === 'canceled') return viewOf(deps, row);
  const now = deps.clock.now();
  if (
    row.status !== 'scheduled' ||
    !canChange(Temporal.PlainDate.from(row.pay_on), timeZoneOf(deps, row.region_id), now)
  ) {
    throw locked(row);
  }
  const canceled = await deps.db.transaction().execute(async (trx) => {
    const ok = await store.updateWaiting(trx, row.id, row.updated_at, {
      status: 'canceled',
      canceled_at: toDate(now),
      updated_at: toDate(now),
    });
    if (ok) {
      await recordAudit(trx, {
        actor: session.actor,
        ctx,
        action: 'scheduled_payment.cancel',
        result: 'success',
        resourceType: 'scheduled_payment',
        resourceId: row.id,
        accountId: row.account_id,
      });
    }
    return ok;
  });
  if (!canceled) throw locked(await findOwn(deps, session, id));
  return getScheduledPayment(deps, session, id);
}

// ---------------------------------------------------------------------------------------------------
// The run

type RunOutcome =
  | { status: 'paid'; paymentId: string }
  | { status: 'failed'; code: string; reason: ScheduledNotMadeReason; paymentId: string | null }
  | { status: 'skipped'; code: 'nothing_owed' }
  /** The outcome is not known yet (the processor is being asked): look again on a later pass. */
  | { status: 'pending'; paymentId: string | null };

function toRunOutcome(b: BackgroundOutcome): RunOutcome {
  switch (b.status) {
    case 'paid':
    case 'pending':
      return b;
    case 'skipped':
      return b.code === 'nothing_owed'
        ? { status: 'skipped', code: 'nothing_owed' }
        : { status: 'failed', code: b.code, reason: b.code as ScheduledNotMadeReason, paymentId: null };
    case 'declined':
      return { status: 'failed', code: b.code, reason: 'declined', paymentId: b.paymentId };
  }
}

/** Charges one claimed scheduled payment through the payments core, under its own idempotency key. */
async function charge(deps: Deps, row: ScheduledPayment, payerEmail: string | null, locale: 'en' | 'es') {
  const ctx: RequestContext = { ip: null, requestId: `scheduled:${row.id}`, locale };
  return chargeInBackground(
    deps,
    { scope: 'scheduled_payment', key: row.id, request: { scheduledPaymentId: row.id } },
    async (idempotency) => {
      const auth = row.bank_authorization;
      const base = {
        actor: RUNNER,
        ctx,
        channel: 'scheduled' as const,
        accountId: row.account_id,
        payerEmail,
        bankAuthorization: auth ? { accepted: true as const, ...auth } : null,
        idempotency,
      };
      if (idempotency.resumeResourceId) {
        return payBills(deps, {
          ...base,
          billIds: row.bill_ids,
          amountCents: row.amount_cents,
          paymentToken: '',
        });
      }
      // Bills paid some other way since are not charged again; one paid in part, only what is left.
      const open = (await findBillsForPayment(deps.db, row.account_id, row.bill_ids)).filter((b) =>
        isBillOwed(b.status, b.balance_cents),
      );
      if (open.length === 0) return skip('nothing_owed');
      const method = await findSavedMethod(deps, row.member_id, row.region_id, row.payment_method_id);
      if (!method) return skip('method_removed');
      if (method.view.expired) return skip('expired_card');
      if (method.view.blocked) return skip('method_not_accepted');
      const owed = open.reduce((sum, b) => sum + b.balance_cents, 0);
      return payBills(deps, {
        ...base,
        billIds: open.map((b) => b.id),
        amountCents: Math.min(row.amount_cents, owed),
        paymentToken: method.token,
      });
    },
  );
}

const TRANSIENT = new Set(['idempotency_in_flight', 'processor_unavailable', 'payment_in_progress']);

async function runOne(deps: Deps, row: ScheduledPayment): Promise<RunOutcome['status']> {
  const claimedUntil = row.locked_until;
  if (!claimedUntil) throw new Error(`scheduled payment ${row.id} was not claimed`);
  const contact = await memberContact(deps, row.member_id);
  const locale = contact?.language ?? 'en';
  let outcome: RunOutcome;
  if (row.payment_id) {
    // A run already made its payment and waited for the outcome: read it.
    outcome = toRunOutcome(await backgroundPaymentOutcome(deps, row.payment_id));
  } else {
    try {
      outcome = toRunOutcome(await charge(deps, row, contact?.email ?? null, locale));
    } catch (err) {
      if (!(err instanceof AppError) || TRANSIENT.has(err.code)) throw err;
      // Refused before any charge: the bills, amount or method no longer allow it.
      const reason: ScheduledNotMadeReason =
        err.code === 'payment_method_invalid'
          ? 'method_not_accepted'
          : err.code === 'bill_not_payable'
            ? 'nothing_owed'
            : 'other';
      outcome =
        reason === 'nothing_owed'
          ? { status: 'skipped', code: 'nothing_owed' }
          : { status: 'failed', code: err.code, reason, paymentId: null };
    }
  }

  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (outcome.status === 'pending') {
      await store.finishRun(
        trx,
        row.id,
        claimedUntil,
        {
          status: 'processing',
          payment_id: outcome.paymentId,
          locked_until: toDate(now.add({ seconds: 60 })),
        },
        toDate(now),
      );
      return;
    }
    await store.finishRun(
      trx,
      row.id,
      claimedUntil,
      {
        status: outcome.status,
        payment_id: outcome.status === 'skipped' ? null : outcome.paymentId,
        outcome_code: outcome.status === 'paid' ? null : outcome.code,
        locked_until: null,
      },
      toDate(now),
    );
    await recordAudit(trx, {
      actor: RUNNER,
      ctx: { ip: null, requestId: `scheduled:${row.id}`, locale },
      action: 'scheduled_payment.run',
      result: outcome.status === 'paid' ? 'success' : 'failure',
      resourceType: 'scheduled_payment',
      resourceId: row.id,
      accountId: row.account_id,
      detail: { outcome: outcome.status, ...(outcome.status === 'paid' ? {} : { code: outcome.code }) },
    });
    // A paid one's receipt went out with the payment; anything else, the member hears about now.
    if (outcome.status !== 'paid' && contact) {
      const email = scheduledPaymentNotMadeMessage({
        locale,
        organizationName: deps.config.organization.name,
        firstName: contact.firstName,
        amount: formatMoney(row.amount_cents),
        payOn: formatLongDate(row.pay_on, locale),
        reason: outcome.status === 'skipped' ? 'nothing_owed' : outcome.reason,
        url: `${deps.config.publicUrl}/account`,
        supportPhone: regionPhone(deps, row.region_id),
      });
      await sendMemberEmail(trx, 'scheduled_payment_not_made', contact.email, email, toDate(now));
    }
  });
  return outcome.status;
}

/**
 * Runs the scheduled payments that are due in each region (from 5 am local on their date). Any number
 * of workers may call this at once: each payment is claimed by one, and its charge is made under its
 * own idempotency key, so a worker that dies mid-run leaves it to the next without a second charge.
 */
export function runDueScheduledPayments(
  deps: Deps,
  limit = 20,
): Promise<Record<RunOutcome['status'], number>> {
  return runDueByRegion(deps, {
    what: 'scheduled payment',
    claim: (claim) => store.claimDue(deps.db, claim, limit),
    run: (row) => runOne(deps, row),
    counts: { paid: 0, failed: 0, skipped: 0, pending: 0 },
    pending: 'pending',
  });
}
