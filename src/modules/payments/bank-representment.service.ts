/**
 * A bank debit returned for insufficient funds (R01) is presented to the bank again, at most twice,
 * within 180 days of its first presentment (NACHA reinitiation): three days after the return, for the
 * same amount, under the authorization it was first made with. Each presentment is a payment of its
 * own through the payments core, under the presentment's own idempotency key, so a worker that dies
 * mid-run and the one that picks it up again present it once between them.
 *
 * It is not presented again when the member has paid those bills some other way since (the amount of
 * a presentment may not change), removed the bank account, or a later return stopped debits from it.
 */
import { Temporal } from 'temporal-polyfill';
import type { Payment } from '../../db/schema';
import type { Deps, RequestContext } from '../../deps';
import { INSUFFICIENT_FUNDS, representmentDate } from '../../domain/bank';
import { formatLongDate, todayIn } from '../../domain/dates';
import { formatMoney } from '../../domain/money';
import { isBillOwed } from '../../domain/payment-rules';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { runDueByRegion } from '../../platform/due-runs';
import { newId } from '../../platform/ids';
import { bankRepresentmentFailedMessage } from '../../platform/member-emails';
import { recordAudit } from '../audit/audit.service';
import { findBillsForPayment } from '../bills/bills.service';
import { queueEmail } from '../notifications/notifications.service';
import {
  type BackgroundOutcome,
  backgroundPaymentOutcome,
  chargeInBackground,
  skip,
} from './background-charge';
import * as store from './bank-representments.store';
import { methodLabel } from './payment-views.service';
import { payBills } from './payments.service';
import * as payments from './payments.store';

const RUNNER = { type: 'system', name: 'bank-representment' } as const;

type Representment = Awaited<ReturnType<typeof store.claimDue>>[number];

/** A bank debit the bank has just returned, as the settlement pass read it. */
export interface ReturnedDebit {
  id: string;
  accountId: string;
  regionId: string;
  amountCents: number;
  presentment: number;
}

/**
 * When a debit returned with `returnCode` will be presented again, or null when it will not be (not
 * R01, presented three times already, or past 180 days from its first presentment). Read before the
 * return's transaction; `scheduleRepresentment` records it inside it.
 */
export async function planRepresentment(
  deps: Deps,
  debit: ReturnedDebit,
  returnCode: string,
): Promise<{ presentOn: Temporal.PlainDate; originalPaymentId: string } | null> {
  if (returnCode !== INSUFFICIENT_FUNDS) return null;
  const first = await store.firstPresentment(deps.db, debit.id);
  if (!first) return null;
  const timeZone = regionTimeZone(deps, debit.regionId);
  const now = deps.clock.now();
  const presentOn = representmentDate({
    returnedOn: todayIn(timeZone, now),
    firstPresentedOn: todayIn(timeZone, Temporal.Instant.fromEpochMilliseconds(first.created_at.getTime())),
    presentment: debit.presentment,
  });
  return presentOn ? { presentOn, originalPaymentId: first.id } : null;
}

/** Records the next presentment of a returned debit, in the return's transaction. */
export async function scheduleRepresentment(
  trx: Db,
  debit: ReturnedDebit,
  plan: { presentOn: Temporal.PlainDate; originalPaymentId: string },
  now: Date,
): Promise<void> {
  await store.insertRepresentment(trx, {
    id: newId(),
    returned_payment_id: debit.id,
    original_payment_id: plan.originalPaymentId,
    account_id: debit.accountId,
    region_id: debit.regionId,
    amount_cents: debit.amountCents,
    presentment: debit.presentment + 1,
    present_on: plan.presentOn.toString(),
    status: 'waiting',
    created_at: now,
    updated_at: now,
  });
}

function regionTimeZone(deps: Deps, regionId: string): string {
  const region = deps.config.organization.regions.find((r) => r.id === regionId);
  if (!region) throw new Error(`unknown region ${regionId}`);
  return region.timeZone;
}

/** Presents one claimed debit again through the payments core, under the presentment's own key. */
function present(deps: Deps, row: Representment, returned: Payment): Promise<BackgroundOutcome> {
  const locale = returned.locale === 'es' ? 'es' : 'en';
  const ctx: RequestContext = { ip: null, requestId: `representment:${row.id}`, locale };
  return chargeInBackground(
    deps,
    { scope: 'bank_representment', key: row.id, request: { representmentId: row.id } },
    async (idempotency) => {
      const allocations = await payments.listAllocations(deps.db, returned.id);
      const base = {
        actor: RUNNER,
        ctx,
        channel: returned.channel,
        accountId: returned.account_id,
        billIds: allocations.map((a) => a.bill_id),
        amountCents: returned.amount_cents,
        paymentToken: '',
        payerEmail: returned.payer_email,
        bankAuthorization: null,
        idempotency,
        represents: returned,
      };
      if (idempotency.resumeResourceId) return payBills(deps, base);
      // The same amount or nothing: a bill paid (even in part) some other way is not presented again.
      const bills = await findBillsForPayment(deps.db, returned.account_id, base.billIds);
      const owed = bills
        .filter((b) => isBillOwed(b.status, b.balance_cents))
        .reduce((sum, b) => sum + b.balance_cents, 0);
      if (owed < returned.amount_cents) return skip('paid_otherwise');
      if (await store.isBankMethodStopped(deps.db, returned.processor_token)) return skip('method_stopped');
      return payBills(deps, base);
    },
  );
}

const TRANSIENT = new Set(['idempotency_in_flight', 'processor_unavailable', 'payment_in_progress']);

async function runOne(deps: Deps, row: Representment): Promise<BackgroundOutcome['status']> {
  const claimedUntil = row.locked_until;
  if (!claimedUntil) throw new Error(`representment ${row.id} was not claimed`);
  const returned = await payments.findPayment(deps.db, row.returned_payment_id);
  if (!returned) throw new Error(`representment ${row.id} has no returned payment`);
  let outcome: BackgroundOutcome;
  if (row.payment_id) {
    outcome = await backgroundPaymentOutcome(deps, row.payment_id);
  } else {
    try {
      outcome = await present(deps, row, returned);
    } catch (err) {
      if (!(err instanceof AppError) || TRANSIENT.has(err.code)) throw err;
      // Refused before anything was sent: the bills no longer allow this amount.
      outcome =
        err.code === 'bill_not_payable' || err.code === 'amount_out_of_range'
          ? { status: 'skipped', code: 'paid_otherwise' }
          : { status: 'declined', code: err.code, message: err.message, paymentId: null };
    }
  }

  const now = deps.clock.now();
  const locale = returned.locale === 'es' ? 'es' : 'en';
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
    const finished = await store.finishRun(
      trx,
      row.id,
      claimedUntil,
      {
        status: outcome.status === 'paid' ? 'presented' : outcome.status === 'skipped' ? 'skipped' : 'failed',
        payment_id: outcome.status === 'skipped' ? null : outcome.paymentId,
        outcome_code: outcome.status === 'paid' ? null : outcome.code,
        locked_until: null,
      },
      toDate(now),
    );
    if (!finished) return;
    await recordAudit(trx, {
      actor: RUNNER,
      ctx: { ip: null, requestId: `representment:${row.id}`, locale },
      action: 'payment.representment',
      result: outcome.status === 'paid' ? 'success' : 'failure',
      resourceType: 'payment',
      resourceId: row.returned_payment_id,
      accountId: row.account_id,
      detail: {
        outcome: outcome.status,
        presentment: row.presentment,
        ...(outcome.status === 'paid' ? { paymentId: outcome.paymentId } : { code: outcome.code }),
      },
    });
    // Presented: its receipt went out with the payment. Skipped: the member paid or stopped the
    // account, and knows. Refused: the member hears it now, with the way to pay.
    if (outcome.status === 'declined' && returned.payer_email) {
      const email = bankRepresentmentFailedMessage({
        locale,
        organizationName: deps.config.organization.name,
        amount: formatMoney(row.amount_cents),
        account: methodLabel(
          {
            method_type: 'bank',
            method_brand: null,
            method_last4: returned.method_last4,
            bank_account_type: returned.bank_account_type,
          },
          locale,
        ).toLowerCase(),
        presentOn: formatLongDate(row.present_on, locale),
        url: `${deps.config.publicUrl}/account`,
        supportPhone: deps.config.organization.support.phone,
      });
      await queueEmail(trx, {
        accountId: row.account_id,
        kind: 'payment_representment_failed',
        to: returned.payer_email,
        subject: email.subject,
        text: email.text,
        html: email.html,
        now: toDate(now),
      });
    }
  });
  return outcome.status;
}

/**
 * Presents again the returned debits that are due in each region (from 5 am local on their day). Any
 * number of workers may call this at once: each presentment is claimed by one.
 */
export function presentReturnedBankDebits(
  deps: Deps,
  limit = 20,
): Promise<Record<BackgroundOutcome['status'], number>> {
  return runDueByRegion(deps, {
    what: 'bank representment',
    claim: (claim) => store.claimDue(deps.db, claim, limit),
    run: (row) => runOne(deps, row),
    counts: { paid: 0, declined: 0, skipped: 0, pending: 0 },
    pending: 'pending',
  });
}

/** Debits waiting to be presented again on these accounts, for the member's upcoming payments. */
export async function listWaitingRepresentments(deps: Deps, accountIds: readonly string[]) {
  return (await store.listWaiting(deps.db, accountIds)).map((r) => ({
    id: r.id,
    amountCents: r.amount_cents,
    presentOn: r.present_on,
    method: { type: 'bank' as const, brand: null, last4: r.method_last4 },
  }));
}
