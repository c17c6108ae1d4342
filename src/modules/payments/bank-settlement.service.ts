/**
 * Bank debits settle days after they succeed, or come back returned with a NACHA return code. The
 * worker asks the processor about each succeeded bank payment until it knows; a return reverses the
 * payment in the ledger, opens its bills again and tells the payer, all in one transaction. A debit
 * returned for insufficient funds is presented again later (bank-representment.service.ts).
 */
import { Temporal } from 'temporal-polyfill';
import type { Deps } from '../../deps';
import { BLOCKING_RETURN_CODES, nextSettlementCheck } from '../../domain/bank';
import { formatLongDate } from '../../domain/dates';
import { formatMoney } from '../../domain/money';
import { toDate } from '../../platform/clock';
import { bankPaymentReturnedMessage } from '../../platform/member-emails';
import { recordPaymentOutcome } from '../../platform/metrics';
import { recordAudit } from '../audit/audit.service';
import { reopenBillsForReturn } from '../bills/bills.service';
import { postPaymentReversal } from '../ledger/ledger.service';
import { queueEmail } from '../notifications/notifications.service';
import { recordWebhookEvents, webhookEventRow } from '../webhooks/webhook-events';
import { planRepresentment, type ReturnedDebit, scheduleRepresentment } from './bank-representment.service';
import { methodLabel } from './payment-views.service';
import { type PaidBill, paymentData } from './payment-webhooks';
import * as store from './payments.store';

const SYSTEM = { type: 'system', name: 'bank-settlement' } as const;

/** How long a worker holds the debits it claimed while it asks the processor about them. */
const SETTLEMENT_LEASE_SECONDS = 120;

/** payment.returned, and bill.reopened for each bill the return puts its money back on. */
function returnEvents(
  payment: Parameters<typeof paymentData>[0],
  bills: readonly PaidBill[],
  returnCode: string,
  presentAgainOn: Temporal.PlainDate | null,
  at: Date,
) {
  const opts = { accountId: payment.account_id, at };
  return [
    webhookEventRow(
      'payment.returned',
      {
        ...paymentData(payment, 'returned', bills),
        returnCode,
        presentAgainOn: presentAgainOn?.toString() ?? null,
      },
      opts,
    ),
    ...bills.map((b) =>
      webhookEventRow(
        'bill.reopened',
        {
          billId: b.bill_id,
          accountId: payment.account_id,
          number: b.number,
          kind: b.kind,
          paymentId: payment.id,
          amountCents: b.amount_cents,
          reason: 'payment_returned',
        },
        opts,
      ),
    ),
  ];
}

/**
 * One sweep: claims the bank debits due for a settlement check (at most `limit`) and asks the
 * processor about each. A debit still pending is asked about again later (nextSettlementCheck).
 */
export async function settleBankPayments(
  deps: Deps,
  limit = 50,
): Promise<{ settled: number; returned: number; pending: number }> {
  const counts = { settled: 0, returned: 0, pending: 0 };
  const claimedAt = deps.clock.now();
  const claimed = await store.claimUnsettledBankPayments(
    deps.db,
    toDate(claimedAt),
    toDate(claimedAt.add({ seconds: SETTLEMENT_LEASE_SECONDS })),
    limit,
  );
  for (const payment of claimed) {
    // Asked outside any transaction: on the embedded database the sandbox shares the one connection.
    const state = await deps.processor.bankDebitState(payment.id);
    const answeredAt = deps.clock.now();
    const now = toDate(answeredAt);
    if (!state || state.state === 'pending') {
      const createdAt = Temporal.Instant.fromEpochMilliseconds(payment.created_at.getTime());
      await store.scheduleSettlementCheck(
        deps.db,
        payment.id,
        toDate(nextSettlementCheck(createdAt, answeredAt)),
      );
      counts.pending++;
      continue;
    }
    const paidBills = await store.listAllocations(deps.db, payment.id);
    if (state.state === 'settled') {
      const settled = webhookEventRow('payment.settled', paymentData(payment, 'succeeded', paidBills), {
        accountId: payment.account_id,
        at: now,
      });
      await deps.db.transaction().execute(async (trx) => {
        if (await store.markSettled(trx, payment.id, now)) await recordWebhookEvents(trx, [settled]);
      });
      counts.settled++;
      continue;
    }
    const allocations = paidBills.map((a) => ({ billId: a.bill_id, amountCents: a.amount_cents }));
    const debit: ReturnedDebit = {
      id: payment.id,
      accountId: payment.account_id,
      regionId: payment.region_id,
      amountCents: payment.amount_cents,
      presentment: payment.presentment,
    };
    const again = await planRepresentment(deps, debit, state.returnCode);
    const returned = await deps.db.transaction().execute(async (trx) => {
      // Only the worker that moves it from succeeded applies the return.
      if (!(await store.markReturned(trx, payment.id, state.returnCode, now))) return false;
      await reopenBillsForReturn(trx, allocations, now);
      await postPaymentReversal(trx, {
        paymentId: payment.id,
        memo: `ACH return ${state.returnCode}`,
        at: now,
      });
      await store.insertEvent(trx, {
        paymentId: payment.id,
        accountId: payment.account_id,
        from: 'succeeded',
        to: 'returned',
        detail: { returnCode: state.returnCode },
        at: now,
      });
      await recordAudit(trx, {
        actor: SYSTEM,
        ctx: { ip: null, requestId: `bank-return:${payment.id}`, locale: 'en' },
        action: 'payment.returned',
        result: 'success',
        resourceType: 'payment',
        resourceId: payment.id,
        accountId: payment.account_id,
        detail: {
          returnCode: state.returnCode,
          amountCents: payment.amount_cents,
          presentment: payment.presentment,
          ...(again ? { presentAgainOn: again.presentOn.toString() } : {}),
        },
      });
      if (again) await scheduleRepresentment(trx, debit, again, now);
      await recordWebhookEvents(
        trx,
        returnEvents(payment, paidBills, state.returnCode, again?.presentOn ?? null, now),
      );
      if (payment.payer_email) {
        const locale = payment.locale === 'es' ? 'es' : 'en';
        const email = bankPaymentReturnedMessage({
          locale,
          organizationName: deps.config.organization.name,
          amount: formatMoney(payment.amount_cents),
          account: methodLabel(
            {
              method_type: 'bank',
              method_brand: null,
              method_last4: payment.method_last4,
              bank_account_type: payment.bank_account_type,
            },
            locale,
          ).toLowerCase(),
          returnCode: state.returnCode,
          blocked: BLOCKING_RETURN_CODES.includes(state.returnCode),
          presentAgainOn: again ? formatLongDate(again.presentOn, locale) : null,
          url: `${deps.config.publicUrl}/account`,
          supportPhone: deps.config.organization.support.phone,
        });
        await queueEmail(trx, {
          accountId: payment.account_id,
          kind: 'payment_returned',
          to: payment.payer_email,
          subject: email.subject,
          text: email.text,
          html: email.html,
          now,
        });
      }
      return true;
    });
    if (returned) recordPaymentOutcome(deps.metrics, 'returned', 'bank');
    if (returned) counts.returned++;
  }
  return counts;
}
