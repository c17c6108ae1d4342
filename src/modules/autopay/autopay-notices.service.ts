/**
 * Autopay notices: each charge is told to the member at least 3 days before it is made, and one
 * above their limit waits for approval.
 */
import { Temporal } from 'temporal-polyfill';
import type { AutopayEnrollment } from '../../db/schema';
import type { Deps } from '../../deps';
import { chargeDateFor, monthlyChargeDate, noticeDue } from '../../domain/autopay';
import { formatLongDate, todayIn } from '../../domain/dates';
import { formatMoney } from '../../domain/money';
import { toDate } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { autopayNoticeMessage } from '../../platform/member-emails';
import { memberContact, regionPhone, sendMemberEmail } from '../members/members.service';
import { queueText } from '../notifications/notifications.service';
import { findSavedMethod } from '../wallet/wallet.service';
import * as store from './autopay.store';
import { labelOf } from './autopay-common';

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
