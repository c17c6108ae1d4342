/**
 * Automatic payments: enrolling. A member enrolls an account where its region allows it, changes or
 * stops their own enrollment, and approves a charge above their limit. The worker then notices each
 * charge (autopay-notices.service) and makes it (autopay-run.service).
 */
import type { AutopayBillKind, AutopayEnrollment } from '../../db/schema';
import type { Deps, RequestContext } from '../../deps';
import { formatMoney } from '../../domain/money';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { autopayEnrolledMessage } from '../../platform/member-emails';
import { recordAudit } from '../audit/audit.service';
import type { MemberSession } from '../auth/auth.service';
import { responsibleAccounts } from '../members/account.service';
import { memberContact, regionPhone, sendMemberEmail } from '../members/members.service';
import { findSavedMethod, unblockMethod, usableSavedMethod } from '../wallet/wallet.service';
import type {
  AutopayAccountView,
  AutopayBody,
  AutopayEnrollmentView,
  AutopayItemView,
} from './autopay.schema';
import * as store from './autopay.store';
import { type Locale, labelOf, region } from './autopay-common';

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
