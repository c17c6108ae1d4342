import type { Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { hitRateLimits } from '../../platform/rate-limit';
import type { GuestActor } from '../guest/guest.service';
import { emailGuestReceipt } from './guest-payments.service';
import * as store from './receipt-email.store';

/** Different addresses one payment's receipt may go to, the payer's own included. */
export const RECEIPT_ADDRESSES_PER_PAYMENT = 5;
const RECEIPTS_PER_SESSION = { limit: 10, windowSeconds: 3600 };
const RECEIPTS_PER_IP = { limit: 30, windowSeconds: 3600 };

export interface SendGuestReceiptOptions {
  paymentId: string;
  to: string;
  locale: 'en' | 'es';
}

/**
 * Emails a guest payment's receipt to an address the payer gives, within limits: a session that finds
 * a bill must not turn the organization's mail server into a way to write to anyone (one session sent
 * its receipt to 60 addresses). At most RECEIPT_ADDRESSES_PER_PAYMENT addresses per payment (sending
 * again to one already used is fine), and a few sends per session and per client address an hour.
 */
export async function sendGuestReceipt(
  deps: Deps,
  actor: GuestActor,
  opts: SendGuestReceiptOptions,
  ctx: RequestContext,
): Promise<void> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `receipt:session:${actor.sessionId}`, ...RECEIPTS_PER_SESSION },
    { bucket: `receipt:ip:${ctx.ip ?? 'unknown'}`, ...RECEIPTS_PER_IP },
  ]);
  await deps.db.transaction().execute(async (trx) => {
    const inTrx: Deps = { ...deps, db: trx };
    // Not this account's payment: emailGuestReceipt answers not_found as it always did.
    if (await store.lockPaymentOfAccount(trx, opts.paymentId, actor.accountId)) {
      const used = await store.receiptAddresses(trx, opts.paymentId);
      const to = opts.to.toLowerCase();
      if (!used.includes(to) && used.length >= RECEIPT_ADDRESSES_PER_PAYMENT) {
        throw new AppError('rate_limited', {
          detail: `This receipt was already sent to ${RECEIPT_ADDRESSES_PER_PAYMENT} different addresses. Send it to one of those, or download it.`,
        });
      }
    }
    await emailGuestReceipt(inTrx, actor, opts.paymentId, opts.to, opts.locale);
  });
}
