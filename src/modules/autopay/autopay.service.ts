/**
 * Automatic payments. A member enrolls an account where its region allows it; the worker then tells
 * them about each charge at least 3 days ahead, charges it through the payments core on its date
 * (never more than the notice said, never a bill already paid), tries a soft decline again at most
 * 3 times in 7 days, and pauses — never cancels — autopay after a hard decline or repeated failure.
 */
import { Temporal } from 'temporal-polyfill';
import type { AutopayBillKind, AutopayEnrollment, AutopayItem } from '../../db/schema';
import { atOneInstant, type Deps, type RequestContext } from '../../deps';
import { chargeAmount, chargeDateFor, monthlyChargeDate, nextTryOn, noticeDue } from '../../domain/autopay';
import { formatLongDate, todayIn } from '../../domain/dates';
import { formatMoney } from '../../domain/money';
import { acceptedBrand } from '../../domain/payment-rules';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { runDueByRegion } from '../../platform/due-runs';
import { newId } from '../../platform/ids';
import {
  autopayEnrolledMessage,
  autopayNoticeMessage,
  autopayNotMadeMessage,
} from '../../platform/member-emails';
import type { PaymentMethodDetails } from '../../platform/processors/processor';
import { insertUnitRows } from '../../platform/statement';
import { auditRow, type RecordAuditOptions, recordAudit } from '../audit/audit.service';
import { responsibleAccounts } from '../members/account.service';
import {
  type MemberContact,
  type MemberSession,
  memberContact,
  memberContacts,
  regionPhone,
  sendMemberEmail,
} from '../members/members.service';
import { queueText } from '../notifications/notifications.service';
import {
  type BackgroundOutcome,
  backgroundKey,
  backgroundPaymentOutcome,
  chargeInBackground,
  skip,
} from '../payments/background-charge';
import { type BatchPayment, payBillsInBatch } from '../payments/payments.batch';
import { methodLabel, payBills } from '../payments/payments.service';
import type { PaymentMethodView } from '../wallet/wallet.schema';
import {
  findSavedMethod,
  findSavedMethods,
  unblockMethod,
  usableSavedMethod,
} from '../wallet/wallet.service';
import type {
  AutopayAccountView,
  AutopayBody,
  AutopayEnrollmentView,
  AutopayItemView,
} from './autopay.schema';
import * as store from './autopay.store';

type Locale = 'en' | 'es';
const RUNNER = { type: 'system', name: 'autopay' } as const;

function region(deps: Deps, regionId: string) {
  const found = deps.config.organization.regions.find((r) => r.id === regionId);
  if (!found) throw new Error(`unknown region ${regionId}`);
  return found;
}

function labelOf(method: PaymentMethodView, locale: Locale): string {
  return methodLabel(
    {
      method_type: method.kind,
      method_brand: method.brand,
      method_last4: method.last4,
      bank_account_type: method.bankAccountType,
    },
    locale,
  );
}

// ---------------------------------------------------------------------------------------------------
// Enrolling

function howToRevoke(deps: Deps, regionId: string, locale: Locale): string {
  const phone = regionPhone(deps, regionId);
  return locale === 'es'
    ? `Desactive los pagos automáticos aquí, o llame al ${phone}, por lo menos 3 días hábiles antes del próximo cobro.`
    : `Turn automatic payments off here, or call ${phone}, at least 3 business days before the next charge.`;
}

/**
 * An enrollment as `viewerId` sees it. The saved method and the bank authorization belong to the
 * member who set autopay up: another member responsible for the account sees only that it is on.
 */
async function enrollmentView(
  deps: Deps,
  row: AutopayEnrollment,
  locale: Locale,
  viewerId: string,
): Promise<AutopayEnrollmentView> {
  const setUpByYou = row.member_id === viewerId;
  const method = setUpByYou
    ? await findSavedMethod(deps, row.member_id, row.region_id, row.payment_method_id)
    : null;
  return {
    id: row.id,
    status: row.status,
    amountRule: row.amount_rule,
    daysBeforeDue: row.days_before_due,
    fixedAmountCents: row.fixed_amount_cents,
    dayOfMonth: row.day_of_month,
    maxChargeCents: row.max_charge_cents,
    billKinds: row.bill_kinds,
    setUpByYou,
    method: method?.view ?? null,
    bankAuthorization:
      setUpByYou && row.bank_authorization
        ? {
            textVersion: row.bank_authorization.textVersion,
            acceptedAt: row.bank_authorization.acceptedAt,
            howToRevoke: howToRevoke(deps, row.region_id, locale),
          }
        : null,
    notifyByText: row.notify_by_text,
    pausedReason: row.paused_reason,
    createdAt: row.created_at.toISOString(),
  };
}

function availabilityOf(deps: Deps, regionId: string, locale: Locale): AutopayAccountView['availability'] {
  const autopay = region(deps, regionId).autopay;
  switch (autopay.status) {
    case 'available':
      return { status: 'available', explanation: null, url: null };
    case 'unavailable':
      return { status: 'unavailable', explanation: autopay.explanation[locale], url: null };
    case 'external':
      return { status: 'external', explanation: null, url: autopay.url };
  }
}

/** Every account the member pays for, whether autopay is available for it, and its enrollment. */
export async function getAutopay(
  deps: Deps,
  session: MemberSession,
  ctx: RequestContext,
): Promise<{ accounts: AutopayAccountView[] }> {
  const accounts = [...(await responsibleAccounts(deps, session)).values()];
  const enrollments = new Map(
    (
      await store.listLiveEnrollments(
        deps.db,
        accounts.map((a) => a.id),
      )
    ).map((e) => [e.account_id, e]),
  );
  return {
    accounts: await Promise.all(
      accounts.map(async (a) => {
        const enrollment = enrollments.get(a.id);
        return {
          accountId: a.id,
          personName: a.personName,
          accountKind: a.kind,
          availability: availabilityOf(deps, a.region_id, ctx.locale),
          enrollment: enrollment
            ? await enrollmentView(deps, enrollment, ctx.locale, session.actor.memberId)
            : null,
        };
      }),
    ),
  };
}

async function ownAccount(deps: Deps, session: MemberSession, accountId: string) {
  const account = (await responsibleAccounts(deps, session)).get(accountId);
  if (!account) throw new AppError('not_found', { detail: 'Account not found' });
  return account;
}

/**
 * Autopay belongs to the member who set it up: another member responsible for the same account may
 * not replace it (its charges would then look for their method in the first member's wallet and
 * pause as "method removed") nor stop it.
 */
function checkSetUpBy(enrollment: AutopayEnrollment, session: MemberSession): void {
  if (enrollment.member_id !== session.actor.memberId) {
    throw new AppError('forbidden', {
      detail:
        'Automatic payments on this account were set up by another member of this account. Only they can change or turn them off.',
    });
  }
}

function summaryOf(body: AutopayBody, locale: Locale): string {
  const kinds = body.billKinds
    .map((k) =>
      locale === 'es'
        ? k === 'premium'
          ? 'primas'
          : 'facturas médicas'
        : k === 'premium'
          ? 'premiums'
          : 'medical bills',
    )
    .join(locale === 'es' ? ' y ' : ' and ');
  if (body.amountRule === 'fixed') {
    const amount = formatMoney(body.fixedAmountCents ?? 0);
    return locale === 'es'
      ? `Pagaremos ${amount} de sus ${kinds} el día ${body.dayOfMonth} de cada mes.`
      : `We will pay ${amount} toward your ${kinds} on day ${body.dayOfMonth} of each month.`;
  }
  const when =
    body.daysBeforeDue === 0
      ? locale === 'es'
        ? 'en la fecha de vencimiento'
        : 'on the due date'
      : locale === 'es'
        ? `${body.daysBeforeDue} días antes del vencimiento`
        : `${body.daysBeforeDue} days before the due date`;
  return locale === 'es'
    ? `Pagaremos el saldo de cada una de sus ${kinds} ${when}.`
    : `We will pay the balance of each of your ${kinds} ${when}.`;
}

/**
 * Turns autopay on for an account, or changes it (which also turns a paused one back on). A bank
 * account needs the member's recurring-debit authorization, recorded with its time and address.
 */
export async function enrollAutopay(
  deps: Deps,
  session: MemberSession,
  accountId: string,
  body: AutopayBody,
  ctx: RequestContext,
): Promise<AutopayEnrollmentView> {
  const account = await ownAccount(deps, session, accountId);
  const availability = availabilityOf(deps, account.region_id, ctx.locale);
  if (availability.status !== 'available') {
    throw new AppError('autopay_unavailable', {
      detail:
        availability.explanation ??
        `Set up automatic payments at ${availability.url ?? 'the organization’s payment site'}.`,
      availability,
    });
  }
  const kindsHere: AutopayBillKind[] = account.kind === 'premium' ? ['premium'] : ['medical'];
  if (!body.billKinds.some((k) => kindsHere.includes(k))) {
    throw new AppError('validation_failed', {
      errors: [
        {
          field: 'billKinds',
          code: 'none_on_account',
          message:
            account.kind === 'premium' ? 'This account has premiums' : 'This account has medical bills',
        },
      ],
    });
  }
  if (body.amountRule === 'fixed' && (!body.fixedAmountCents || !body.dayOfMonth)) {
    throw new AppError('validation_failed', {
      errors: [
        ...(!body.fixedAmountCents
          ? [{ field: 'fixedAmountCents', code: 'required', message: 'Enter the amount to pay each month' }]
          : []),
        ...(!body.dayOfMonth
          ? [{ field: 'dayOfMonth', code: 'required', message: 'Choose the day of the month to pay' }]
          : []),
      ],
    });
  }
  // A new recurring authorization is what lets a bank account blocked by a return be debited again.
  const method = await usableSavedMethod(
    deps,
    session.actor.memberId,
    account.region_id,
    body.paymentMethodId,
    {
      reauthorizing: body.bankAuthorization !== undefined,
    },
  );
  const existing = await store.findLiveEnrollment(deps.db, accountId);
  if (existing) checkSetUpBy(existing, session);
  const version = deps.config.organization.payments.achRecurringAuthorizationVersion;
  let bankAuthorization: AutopayEnrollment['bank_authorization'] = null;
  if (method.view.kind === 'bank') {
    const kept =
      existing?.bank_authorization && existing.payment_method_id === body.paymentMethodId
        ? existing.bank_authorization
        : null;
    if (body.bankAuthorization) {
      if (body.bankAuthorization.textVersion !== version) {
        throw new AppError('validation_failed', {
          errors: [
            {
              field: 'bankAuthorization',
              code: 'outdated_version',
              message: 'Read and accept the current authorization',
            },
          ],
        });
      }
      bankAuthorization = { textVersion: version, acceptedAt: deps.clock.now().toString(), ip: ctx.ip };
    } else if (kept?.textVersion === version) {
      bankAuthorization = kept;
    } else {
      throw new AppError('validation_failed', {
        detail: 'Accept the recurring debit authorization to pay automatically from a bank account.',
        errors: [
          {
            field: 'bankAuthorization',
            code: 'required',
            message: 'Confirm that you authorize recurring debits from your bank account',
          },
        ],
      });
    }
  }
  const now = toDate(deps.clock.now());
  const settings = {
    amount_rule: body.amountRule,
    days_before_due: body.amountRule === 'statement_balance' ? body.daysBeforeDue : 0,
    fixed_amount_cents: body.amountRule === 'fixed' ? (body.fixedAmountCents ?? null) : null,
    day_of_month: body.amountRule === 'fixed' ? (body.dayOfMonth ?? null) : null,
    max_charge_cents: body.maxChargeCents ?? null,
    bill_kinds: JSON.stringify(body.billKinds),
    payment_method_id: body.paymentMethodId,
    bank_authorization: bankAuthorization ? JSON.stringify(bankAuthorization) : null,
    notify_by_text: body.notifyByText,
    status: 'active' as const,
    paused_reason: null,
    updated_at: now,
  };
  const id = existing?.id ?? newId();
  const contact = await memberContact(deps, session.actor.memberId);
  await deps.db.transaction().execute(async (trx) => {
    if (method.view.blocked && bankAuthorization) {
      await unblockMethod(trx, session.actor.memberId, method.view.id, now);
    }
    if (existing) {
      await store.updateEnrollment(trx, id, settings);
      // What was noticed under the old settings is not charged under the new ones.
      await store.cancelWaitingItems(trx, id, now);
    } else {
      await store.insertEnrollment(trx, {
        ...settings,
        id,
        member_id: session.actor.memberId,
        account_id: accountId,
        region_id: account.region_id,
        created_at: now,
        canceled_at: null,
      });
    }
    await recordAudit(trx, {
      actor: session.actor,
      ctx,
      action: existing ? 'autopay.change' : 'autopay.enroll',
      result: 'success',
      resourceType: 'autopay_enrollment',
      resourceId: id,
      accountId,
      detail: {
        amountRule: body.amountRule,
        billKinds: body.billKinds,
        ...(bankAuthorization ? { bankAuthorization } : {}),
      },
    });
    if (contact) {
      const email = autopayEnrolledMessage({
        locale: contact.language,
        organizationName: deps.config.organization.name,
        firstName: contact.firstName,
        summary: summaryOf(body, contact.language),
        method: labelOf(method.view, contact.language),
        bankAuthorization,
        url: `${deps.config.publicUrl}/account/autopay`,
        supportPhone: regionPhone(deps, account.region_id),
      });
      await sendMemberEmail(trx, 'autopay_enrolled', contact.email, email, now);
    }
  });
  const saved = await store.findEnrollmentById(deps.db, id);
  if (!saved) throw new Error(`enrollment ${id} vanished`);
  return enrollmentView(deps, saved, ctx.locale, session.actor.memberId);
}

/** Turns autopay off for an account; what was noticed and not yet charged is not charged. */
export async function stopAutopay(
  deps: Deps,
  session: MemberSession,
  accountId: string,
  ctx: RequestContext,
): Promise<void> {
  await ownAccount(deps, session, accountId);
  const existing = await store.findLiveEnrollment(deps.db, accountId);
  if (!existing) return;
  checkSetUpBy(existing, session);
  const now = toDate(deps.clock.now());
  await deps.db.transaction().execute(async (trx) => {
    await store.updateEnrollment(trx, existing.id, { status: 'canceled', canceled_at: now, updated_at: now });
    await store.cancelWaitingItems(trx, existing.id, now);
    await recordAudit(trx, {
      actor: session.actor,
      ctx,
      action: 'autopay.stop',
      result: 'success',
      resourceType: 'autopay_enrollment',
      resourceId: existing.id,
      accountId,
      // Stopping revokes a bank debit authorization: recorded as such.
      detail: existing.bank_authorization ? { revokedAuthorization: existing.bank_authorization } : {},
    });
  });
}

/** Upcoming automatic payments (noticed, waiting for approval, retrying) and past runs with their outcomes. */
export async function listAutopayItems(
  deps: Deps,
  session: MemberSession,
): Promise<{ items: AutopayItemView[] }> {
  const rows = await store.listItems(deps.db, session.actor.memberId, 100);
  return {
    items: rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      status: r.status,
      chargeOn: r.charge_on,
      nextTryOn: r.next_try_on,
      amountCents: r.noticed_amount_cents,
      bill:
        r.bill_id && r.bill_number && r.bill_due_date
          ? { billId: r.bill_id, number: r.bill_number, dueDate: r.bill_due_date }
          : null,
      tries: r.tries,
      paymentId: r.payment_id,
      declineCode: r.last_decline_code,
    })),
  };
}

/** The member agrees to a charge above their limit: it is made on its date like any other. */
export async function approveAutopayItem(
  deps: Deps,
  session: MemberSession,
  itemId: string,
  ctx: RequestContext,
): Promise<{ items: AutopayItemView[] }> {
  const item = await store.findItem(deps.db, session.actor.memberId, itemId);
  if (!item) throw new AppError('not_found', { detail: 'Automatic payment not found' });
  const now = toDate(deps.clock.now());
  const approved = await store.updateItemIf(deps.db, item.id, 'needs_approval', {
    status: 'noticed',
    approved_at: now,
    updated_at: now,
  });
  if (!approved) {
    throw new AppError('autopay_item_not_waiting', { detail: `This automatic payment is ${item.status}.` });
  }
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'autopay.approve',
    result: 'success',
    resourceType: 'autopay_item',
    resourceId: item.id,
    accountId: item.account_id,
    detail: { amountCents: item.noticed_amount_cents },
  });
  return listAutopayItems(deps, session);
}

// ---------------------------------------------------------------------------------------------------
// Notices

interface NewItem {
  enrollment: AutopayEnrollment;
  periodKey: string;
  billId: string | null;
  what: { en: string; es: string };
  chargeOn: Temporal.PlainDate;
  amountCents: number;
}

/** Creates the item and tells the member, in one transaction; nothing when a worker got there first. */
async function noticeItem(
  deps: Deps,
  item: NewItem,
  contact: Awaited<ReturnType<typeof memberContact>>,
): Promise<boolean> {
  const { enrollment } = item;
  const method = await findSavedMethod(
    deps,
    enrollment.member_id,
    enrollment.region_id,
    enrollment.payment_method_id,
  );
  const overLimit = enrollment.max_charge_cents !== null && item.amountCents > enrollment.max_charge_cents;
  const now = toDate(deps.clock.now());
  return deps.db.transaction().execute(async (trx) => {
    const made = await store.insertItem(trx, {
      id: newId(),
      enrollment_id: enrollment.id,
      member_id: enrollment.member_id,
      account_id: enrollment.account_id,
      region_id: enrollment.region_id,
      period_key: item.periodKey,
      bill_id: item.billId,
      charge_on: item.chargeOn.toString(),
      noticed_amount_cents: item.amountCents,
      status: overLimit ? 'needs_approval' : 'noticed',
      tries: 0,
      next_try_on: null,
      locked_until: null,
      payment_id: null,
      last_decline_code: null,
      approved_at: null,
      created_at: now,
      updated_at: now,
    });
    if (!made || !contact) return made;
    const locale = contact.language;
    const chargeOn = formatLongDate(item.chargeOn.toString(), locale);
    const methodText = method
      ? labelOf(method.view, locale)
      : locale === 'es'
        ? 'método de pago'
        : 'payment method';
    const url = `${deps.config.publicUrl}/account/autopay`;
    const email = autopayNoticeMessage({
      locale,
      organizationName: deps.config.organization.name,
      firstName: contact.firstName,
      amount: formatMoney(item.amountCents),
      chargeOn,
      method: methodText,
      what: item.what[locale],
      overLimit: overLimit ? formatMoney(enrollment.max_charge_cents ?? 0) : null,
      url,
      supportPhone: regionPhone(deps, enrollment.region_id),
    });
    await sendMemberEmail(trx, 'autopay_notice', contact.email, email, now);
    if (enrollment.notify_by_text && contact.mobile) {
      await queueText(trx, {
        accountId: enrollment.account_id,
        memberId: enrollment.member_id,
        kind: 'autopay_notice',
        to: contact.mobile,
        body:
          locale === 'es'
            ? `${deps.config.organization.shortName}: tiene un pago automático el ${chargeOn}${overLimit ? ' que necesita su aprobación' : ''}. Detalles: ${url}`
            : `${deps.config.organization.shortName}: an automatic payment is set for ${chargeOn}${overLimit ? ' and needs your approval' : ''}. Details: ${url}`,
        now,
      });
    }
    return made;
  });
}

/**
 * Makes the items whose notice is due and tells each member: a bill's balance under a statement-balance
 * enrollment, the month's amount under a fixed one. Safe with several workers: an item is unique per
 * enrollment and period, and only the worker that inserts it sends its notice.
 */
export async function noticeAutopay(deps: Deps, limit = 200): Promise<number> {
  let noticed = 0;
  for (const r of deps.config.organization.regions) {
    if (r.autopay.status !== 'available') continue;
    const today = todayIn(r.timeZone, deps.clock.now());
    const contacts = new Map<string, Awaited<ReturnType<typeof memberContact>>>();
    const contactOf = async (memberId: string) => {
      if (!contacts.has(memberId)) contacts.set(memberId, await memberContact(deps, memberId));
      return contacts.get(memberId) ?? null;
    };
    for (const bill of await store.billsToNotice(deps.db, r.id, today.toString(), limit)) {
      const enrollment = await store.findEnrollmentById(deps.db, bill.enrollment_id);
      if (enrollment?.status !== 'active') continue;
      const what = {
        en: bill.kind === 'premium' ? `premium invoice ${bill.number}` : `bill ${bill.number}`,
        es: bill.kind === 'premium' ? `la factura de prima ${bill.number}` : `la factura ${bill.number}`,
      };
      const chargeOn = chargeDateFor(
        Temporal.PlainDate.from(bill.due_date),
        enrollment.days_before_due,
        today,
      );
      const made = await noticeItem(
        deps,
        {
          enrollment,
          periodKey: bill.bill_id,
          billId: bill.bill_id,
          what,
          chargeOn,
          amountCents: bill.balance_cents,
        },
        await contactOf(enrollment.member_id),
      );
      if (made) noticed++;
    }
    for (const enrollment of await store.listActiveFixedEnrollments(deps.db, r.id)) {
      const day = enrollment.day_of_month ?? 1;
      // This month's payment unless its day has passed, else next month's; told 3 days ahead (a
      // notice that goes out late moves the charge back, as for a bill).
      let month = today.toPlainYearMonth();
      if (Temporal.PlainDate.compare(monthlyChargeDate(month, day), today) < 0)
        month = month.add({ months: 1 });
      const wanted = monthlyChargeDate(month, day);
      if (!noticeDue(wanted, today)) continue;
      const chargeOn = chargeDateFor(wanted, 0, today);
      const periodKey = month.toString();
      if (await store.itemExists(deps.db, enrollment.id, periodKey)) continue;
      const owed = (
        await store.openBillsOfKinds(deps.db, enrollment.account_id, enrollment.bill_kinds)
      ).reduce((sum, b) => sum + b.balance_cents, 0);
      const amountCents = Math.min(enrollment.fixed_amount_cents ?? 0, owed);
      if (amountCents <= 0) continue;
      const monthName = {
        en: chargeOn.toLocaleString('en-US', { month: 'long', year: 'numeric' }),
        es: chargeOn.toLocaleString('es-US', { month: 'long', year: 'numeric' }),
      };
      const made = await noticeItem(
        deps,
        {
          enrollment,
          periodKey,
          billId: null,
          what: { en: `your ${monthName.en} payment`, es: `su pago de ${monthName.es}` },
          chargeOn,
          amountCents,
        },
        await contactOf(enrollment.member_id),
      );
      if (made) noticed++;
    }
  }
  return noticed;
}

// ---------------------------------------------------------------------------------------------------
// Charging

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
      await store.updateEnrollment(trx, enrollment.id, {
        status: 'paused',
        paused_reason:
          outcome.status === 'skipped'
            ? outcome.code === 'method_blocked'
              ? 'bank_returned'
              : 'method_removed'
            : tries >= 2
              ? 'repeated_failure'
              : 'hard_decline',
        updated_at: toDate(now),
      });
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
  return (await store.pauseOnBlockedMethods(deps.db, toDate(deps.clock.now()))).length;
}
