/**
 * The daily autopay run: charges on its date what was noticed (never more than the notice said,
 * never a bill already paid) through the payments core, together in a batch where it can; tries a
 * soft decline again at most 3 times in 7 days, and pauses (never cancels) autopay after a hard
 * decline, repeated failure or a method that cannot be used.
 */
import { Temporal } from 'temporal-polyfill';
import type { AutopayEnrollment, AutopayItem } from '../../db/schema';
import { atOneInstant, type Deps, type RequestContext } from '../../deps';
import { chargeAmount, nextTryOn } from '../../domain/autopay';
import { formatLongDate, todayIn } from '../../domain/dates';
import { formatMoney } from '../../domain/money';
import { acceptedBrand } from '../../domain/payment-rules';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { runDueByRegion } from '../../platform/due-runs';
import { autopayNotMadeMessage } from '../../platform/member-emails';
import type { PaymentMethodDetails } from '../../platform/processors/processor';
import { insertUnitRows } from '../../platform/statement';
import { auditRow, type RecordAuditOptions, recordAudit } from '../audit/audit.service';
import {
  type MemberContact,
  memberContact,
  memberContacts,
  regionPhone,
  sendMemberEmail,
} from '../members/members.service';
import {
  type BackgroundOutcome,
  backgroundKey,
  backgroundPaymentOutcome,
  chargeInBackground,
  skip,
} from '../payments/background-charge';
import { type BatchPayment, payBillsInBatch } from '../payments/payments.batch';
import { payBills } from '../payments/payments.service';
import { findSavedMethod, findSavedMethods } from '../wallet/wallet.service';
import { recordWebhookEvents } from '../webhooks/webhook-events';
import * as store from './autopay.store';
import { autopayPausedEvent, type Locale, labelOf, RUNNER, region } from './autopay-common';

type ChargeOutcome = BackgroundOutcome;

/** Each try at an item is one payment, under the key `<item>:<try>`. */
function tryTarget(item: AutopayItem) {
  const tryNumber = item.tries + 1;
  return { scope: 'autopay', key: `${item.id}:${tryNumber}`, request: { itemId: item.id, try: tryNumber } };
}

function tryContext(item: AutopayItem, locale: Locale): RequestContext {
  return { ip: null, requestId: `autopay:${item.id}:${item.tries + 1}`, locale };
}

/** One try at an item, through the payments core under the key `<item>:<try>`. */
async function chargeItem(
  deps: Deps,
  item: AutopayItem,
  enrollment: AutopayEnrollment,
  payerEmail: string | null,
  locale: Locale,
) {
  const target = tryTarget(item);
  const ctx = tryContext(item, locale);
  return chargeInBackground(deps, target, async (idempotency) => {
    const auth = enrollment.bank_authorization;
    const base = {
      actor: RUNNER,
      ctx,
      channel: 'autopay' as const,
      accountId: item.account_id,
      payerEmail,
      bankAuthorization: auth ? { accepted: true as const, ...auth } : null,
      idempotency,
    };
    if (idempotency.resumeResourceId) {
      return payBills(deps, { ...base, billIds: [], amountCents: 0, paymentToken: '' });
    }
    if (enrollment.status !== 'active') return skip('autopay_off');
    const bills = (await store.openBillsOfKinds(deps.db, item.account_id, enrollment.bill_kinds)).filter(
      (b) => item.bill_id === null || b.id === item.bill_id,
    );
    const owed = bills.reduce((sum, b) => sum + b.balance_cents, 0);
    const amountCents = chargeAmount(item.noticed_amount_cents, owed);
    // A bill paid some other way since the notice is not charged again.
    if (amountCents === 0) return skip('nothing_owed');
    const method = await findSavedMethod(
      deps,
      enrollment.member_id,
      enrollment.region_id,
      enrollment.payment_method_id,
    );
    if (!method) return skip('method_removed');
    if (method.view.expired) return skip('expired_card');
    if (method.view.blocked) return skip('method_blocked');
    return payBills(deps, {
      ...base,
      billIds: bills.map((b) => b.id),
      amountCents,
      paymentToken: method.token,
    });
  });
}

const TRANSIENT = new Set(['idempotency_in_flight', 'processor_unavailable', 'payment_in_progress']);
/** Skips that mean the method cannot be used: autopay pauses until the member fixes it. */
const METHOD_GONE = new Set(['method_removed', 'expired_card', 'method_blocked']);

const REASONS: Record<Locale, Record<string, string>> = {
  en: {
    method_removed: 'The payment method was removed from your account.',
    expired_card: 'The card has expired.',
    method_blocked: 'Your bank returned an earlier payment from this account.',
  },
  es: {
    method_removed: 'El método de pago se quitó de su cuenta.',
    expired_card: 'La tarjeta está vencida.',
    method_blocked: 'Su banco devolvió un pago anterior de esta cuenta.',
  },
};

async function runItem(deps: Deps, item: AutopayItem): Promise<ChargeOutcome['status']> {
  const enrollment = await store.findEnrollmentById(deps.db, item.enrollment_id);
  if (!enrollment) throw new Error(`autopay item ${item.id} has no enrollment`);
  const contact = await memberContact(deps, item.member_id);
  const locale = contact?.language ?? 'en';

  let outcome: ChargeOutcome;
  if (item.payment_id) {
    // This try's payment is made and its outcome was being confirmed: read it.
    outcome = await backgroundPaymentOutcome(deps, item.payment_id);
  } else {
    try {
      outcome = await chargeItem(deps, item, enrollment, contact?.email ?? null, locale);
    } catch (err) {
      if (!(err instanceof AppError) || TRANSIENT.has(err.code)) throw err;
      outcome =
        err.code === 'bill_not_payable'
          ? { status: 'skipped', code: 'nothing_owed' }
          : { status: 'declined', code: err.code, paymentId: null, message: err.message };
    }
  }
  await recordOutcome(deps, item, enrollment, contact, outcome);
  return outcome.status;
}

/** Writes a try's outcome on its item (and pauses autopay, and tells the member, when it failed). */
async function recordOutcome(
  deps: Deps,
  item: AutopayItem,
  enrollment: AutopayEnrollment,
  contact: MemberContact | null,
  outcome: ChargeOutcome,
): Promise<void> {
  const claimedUntil = item.locked_until;
  if (!claimedUntil) throw new Error(`autopay item ${item.id} was not claimed`);
  const locale = contact?.language ?? 'en';
  // Read before the transaction: on the embedded database a read outside it would wait for it.
  const method = await findSavedMethod(
    deps,
    enrollment.member_id,
    enrollment.region_id,
    enrollment.payment_method_id,
  );
  const now = deps.clock.now();
  const today = todayIn(region(deps, item.region_id).timeZone, now);
  const firstTry = Temporal.PlainDate.from(item.charge_on);
  await deps.db.transaction().execute(async (trx) => {
    if (outcome.status === 'pending') {
      await store.finishItem(trx, item.id, claimedUntil, {
        payment_id: outcome.paymentId,
        locked_until: toDate(now.add({ seconds: 60 })),
        updated_at: toDate(now),
      });
      return;
    }
    if (outcome.status === 'paid') {
      await store.finishItem(trx, item.id, claimedUntil, {
        status: 'paid',
        tries: item.tries + 1,
        payment_id: outcome.paymentId,
        locked_until: null,
        updated_at: toDate(now),
      });
      await audit(trx, item, locale, 'success', { outcome: 'paid', paymentId: outcome.paymentId });
      return;
    }
    if (outcome.status === 'skipped' && !METHOD_GONE.has(outcome.code)) {
      await store.finishItem(trx, item.id, claimedUntil, {
        status: outcome.code === 'autopay_off' ? 'canceled' : 'skipped',
        last_decline_code: outcome.code,
        locked_until: null,
        updated_at: toDate(now),
      });
      await audit(trx, item, locale, 'failure', { outcome: 'skipped', code: outcome.code });
      return;
    }
    // Declined, or the method cannot be used.
    const code = outcome.code;
    const tries = item.tries + 1;
    const retryOn = outcome.status === 'declined' ? nextTryOn(firstTry, tries, code) : null;
    const nextTry =
      retryOn && Temporal.PlainDate.compare(retryOn, today) <= 0 ? today.add({ days: 1 }) : retryOn;
    await store.finishItem(trx, item.id, claimedUntil, {
      status: nextTry ? 'retrying' : 'failed',
      tries,
      next_try_on: nextTry?.toString() ?? null,
      // The next try is a new attempt with a new payment.
      payment_id: nextTry ? null : outcome.status === 'declined' ? outcome.paymentId : null,
      last_decline_code: code,
      locked_until: null,
      updated_at: toDate(now),
    });
    // No more tries: autopay pauses (never cancels) until the member fixes the method.
    const paused = !nextTry;
    if (paused) {
      const reason =
        outcome.status === 'skipped'
          ? outcome.code === 'method_blocked'
            ? 'bank_returned'
            : 'method_removed'
          : tries >= 2
            ? 'repeated_failure'
            : 'hard_decline';
      await store.updateEnrollment(trx, enrollment.id, {
        status: 'paused',
        paused_reason: reason,
        updated_at: toDate(now),
      });
      await recordWebhookEvents(trx, [autopayPausedEvent(enrollment, reason, toDate(now))]);
    }
    await audit(trx, item, locale, 'failure', {
      outcome: paused ? 'failed' : 'retrying',
      code,
      tries,
      paused,
    });
    if (contact) {
      const email = autopayNotMadeMessage({
        locale,
        firstName: contact.firstName,
        amount: formatMoney(item.noticed_amount_cents),
        method: method ? labelOf(method.view, locale) : locale === 'es' ? 'método de pago' : 'payment method',
        reason: REASONS[locale][code] ?? (outcome.status === 'declined' ? outcome.message : ''),
        nextTry: nextTry ? formatLongDate(nextTry.toString(), locale) : null,
        paused,
        url: `${deps.config.publicUrl}/account`,
        supportPhone: regionPhone(deps, item.region_id),
      });
      await sendMemberEmail(
        trx,
        paused ? 'autopay_paused' : 'autopay_failed',
        contact.email,
        email,
        toDate(now),
      );
    }
  });
}

function itemAudit(
  item: AutopayItem,
  locale: Locale,
  result: 'success' | 'failure',
  detail: Record<string, unknown>,
): RecordAuditOptions {
  return {
    actor: RUNNER,
    ctx: { ip: null, requestId: `autopay:${item.id}`, locale },
    action: 'autopay.charge',
    result,
    resourceType: 'autopay_item',
    resourceId: item.id,
    accountId: item.account_id,
    detail,
  };
}

function audit(
  db: Db,
  item: AutopayItem,
  locale: Locale,
  result: 'success' | 'failure',
  detail: Record<string, unknown>,
) {
  return recordAudit(db, itemAudit(item, locale, result, detail));
}

/**
 * The payments of a claim that can be made together (payments.batch): a first look at each try with
 * a usable saved method and something owed. Anything else — a try already under way, a paused
 * enrollment, nothing owed, a method that cannot be used — is left to runItem, which decides it.
 */
async function batchableTries(deps: Deps, items: readonly AutopayItem[]) {
  const fresh = items.filter((i) => !i.payment_id);
  // A try whose key is already there (begun by a worker that died) is not looked for here: the
  // attempt statement's claim of the key refuses it, and runItem resumes it under that key.
  const [enrollments, contacts, bills] = await Promise.all([
    store.findEnrollmentsByIds(deps.db, [...new Set(fresh.map((i) => i.enrollment_id))]),
    memberContacts(
      deps,
      fresh.map((i) => i.member_id),
    ),
    store.openBillsOfAccounts(deps.db, [...new Set(fresh.map((i) => i.account_id))]),
  ]);
  const enrollmentById = new Map(enrollments.map((e) => [e.id, e]));
  const billsByAccount = new Map<string, (typeof bills)[number][]>();
  for (const b of bills) {
    const ofAccount = billsByAccount.get(b.account_id);
    if (ofAccount) ofAccount.push(b);
    else billsByAccount.set(b.account_id, [b]);
  }
  const methods = await findSavedMethods(
    deps,
    enrollments.map((e) => ({ memberId: e.member_id, regionId: e.region_id, methodId: e.payment_method_id })),
  );
  const tries: { item: AutopayItem; enrollment: AutopayEnrollment; payment: BatchPayment }[] = [];
  for (const item of fresh) {
    const enrollment = enrollmentById.get(item.enrollment_id);
    const contact = contacts.get(item.member_id) ?? null;
    if (enrollment?.status !== 'active') continue;
    const kinds = store.billKindsOf(enrollment.bill_kinds);
    const owedBills = (billsByAccount.get(item.account_id) ?? []).filter(
      (b) => kinds.includes(b.kind) && (item.bill_id === null || b.id === item.bill_id),
    );
    const amountCents = chargeAmount(
      item.noticed_amount_cents,
      owedBills.reduce((sum, b) => sum + b.balance_cents, 0),
    );
    const method = methods.get(enrollment.payment_method_id);
    if (amountCents === 0 || !method || method.view.expired || method.view.blocked) continue;
    const { view } = method;
    const brand = view.brand ? acceptedBrand(deps.config.organization.payments, view.brand) : null;
    const auth = enrollment.bank_authorization;
    let details: PaymentMethodDetails;
    if (view.kind === 'card' && brand && view.expMonth && view.expYear) {
      details = { kind: 'card', brand, last4: view.last4, expMonth: view.expMonth, expYear: view.expYear };
    } else if (view.kind === 'bank' && auth) {
      details = {
        kind: 'bank',
        last4: view.last4,
        accountType: view.bankAccountType ?? 'checking',
        holderName: view.holderName ?? '',
      };
    } else continue;
    tries.push({
      item,
      enrollment,
      payment: {
        ref: item.id,
        actor: RUNNER,
        ctx: tryContext(item, contact?.language ?? 'en'),
        channel: 'autopay',
        accountId: item.account_id,
        bills: owedBills.map((b) => ({ ...b, region_id: item.region_id })),
        amountCents,
        paymentToken: method.token,
        method: details,
        bankAuthorization:
          auth && details.kind === 'bank' ? { ...auth, holderName: details.holderName } : null,
        payerEmail: contact?.email ?? null,
        idempotency: backgroundKey(deps, tryTarget(item)),
      },
    });
  }
  return { tries, contacts, enrollmentById };
}

/**
 * Runs a claim of items: those that can be are paid together in one payments batch, whose outcome
 * statement also marks their items paid and audits them; each of the others (and each batched try
 * that did not succeed) goes through runItem / recordOutcome on its own.
 */
async function runItems(deps: Deps, items: readonly AutopayItem[]): Promise<ChargeOutcome['status'][]> {
  const { tries, contacts, enrollmentById } = await batchableTries(atOneInstant(deps), items);
  const now = toDate(deps.clock.now());
  const byRef = new Map(tries.map((t) => [t.item.id, t]));
  const outcomes = await payBillsInBatch(
    deps,
    tries.map((t) => t.payment),
    {
      outcomeParts: (made) => {
        const paid = made.flatMap((m) => {
          const t = byRef.get(m.ref);
          return m.outcome.status === 'paid' && t ? [{ unit: m.paymentId, t }] : [];
        });
        if (paid.length === 0) return [];
        return [
          store.finishPaidItemsPart(
            paid.map(({ unit, t }) => ({
              unit,
              row: { id: t.item.id, tries: t.item.tries + 1, locked_until: t.item.locked_until ?? now },
            })),
            now,
          ),
          insertUnitRows(
            'audit_events',
            paid.map(({ unit, t }) => ({
              unit,
              row: auditRow({
                ...itemAudit(t.item, t.payment.ctx.locale, 'success', { outcome: 'paid', paymentId: unit }),
                at: now,
              }),
            })),
            ['at', 'actor_type', 'actor_id', 'action', 'result', 'resource_type', 'ip'],
          ),
        ];
      },
    },
  );
  const results: ChargeOutcome['status'][] = [];
  for (const item of items) {
    const outcome = outcomes.get(item.id);
    const t = byRef.get(item.id);
    try {
      if (outcome?.status === 'paid') {
        results.push('paid');
      } else if (t && (outcome?.status === 'declined' || outcome?.status === 'pending')) {
        const chargeOutcome: ChargeOutcome =
          outcome.status === 'pending'
            ? { status: 'pending', paymentId: outcome.paymentId }
            : {
                status: 'declined',
                code: outcome.code,
                message: outcome.message,
                paymentId: outcome.paymentId,
              };
        const enrollment = enrollmentById.get(item.enrollment_id) ?? t.enrollment;
        await recordOutcome(deps, item, enrollment, contacts.get(item.member_id) ?? null, chargeOutcome);
        results.push(chargeOutcome.status);
      } else {
        results.push(await runItem(deps, item));
      }
    } catch (err) {
      // Left claimed: the next worker to find its lease expired picks it up again.
      results.push('pending');
      deps.logger.warn({ what: 'autopay item', id: item.id, err: (err as Error).message }, 'due run failed');
    }
  }
  return results;
}

/**
 * Charges the automatic payments due in each region (from 5 am local on their date, and retries on
 * theirs). Any number of workers may run this at once: each item is claimed by one, and each try is
 * made under its own idempotency key, so a worker that dies mid-run leaves it to the next without a
 * second charge. A claim's payments are made together (runItems).
 */
export function runDueAutopay(deps: Deps, limit = 500): Promise<Record<ChargeOutcome['status'], number>> {
  return runDueByRegion(deps, {
    what: 'autopay item',
    claim: (claim) => store.claimDueItems(deps.db, claim, limit),
    runAll: (items) => runItems(deps, items),
    counts: { paid: 0, declined: 0, skipped: 0, pending: 0 },
    pending: 'pending',
  });
}

/** Pauses autopay paying from bank accounts a return blocked (the worker runs this after settlements). */
export async function pauseAutopayOnBlockedMethods(deps: Deps): Promise<number> {
  const now = toDate(deps.clock.now());
  return deps.db.transaction().execute(async (trx) => {
    const paused = await store.pauseOnBlockedMethods(trx, now);
    await recordWebhookEvents(
      trx,
      paused.map((e) => autopayPausedEvent(e, 'bank_returned', now)),
    );
    return paused.length;
  });
}
