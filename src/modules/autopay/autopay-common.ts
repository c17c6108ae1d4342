/** What the autopay use cases share: the member's language, a region's settings, a method's label. */
import type { AutopayBillKind, AutopayEnrollment } from '../../db/schema';
import type { Deps } from '../../deps';
import { methodLabel } from '../payments/payment-views.service';
import type { PaymentMethodView } from '../wallet/wallet.schema';
import { type WebhookEventData, webhookEventRow } from '../webhooks/webhook-events';

export type Locale = 'en' | 'es';
export const RUNNER = { type: 'system', name: 'autopay' } as const;

export function region(deps: Deps, regionId: string) {
  const found = deps.config.organization.regions.find((r) => r.id === regionId);
  if (!found) throw new Error(`unknown region ${regionId}`);
  return found;
}

export function labelOf(method: PaymentMethodView, locale: Locale): string {
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

type AutopayChange = 'autopay.enrolled' | 'autopay.updated' | 'autopay.canceled';
type PausedReason = WebhookEventData<'autopay.paused'>['reason'];

/** An enrollment as its webhook events show it (no method, no authorization). */
export interface EnrollmentForEvent {
  id: string;
  account_id: string;
  amount_rule: AutopayEnrollment['amount_rule'];
  bill_kinds: readonly AutopayBillKind[];
}

function enrollmentData(e: EnrollmentForEvent, status: AutopayEnrollment['status']) {
  return {
    enrollmentId: e.id,
    accountId: e.account_id,
    status,
    amountRule: e.amount_rule,
    billKinds: [...e.bill_kinds],
  };
}

/** The webhook event of an enrollment turned on, changed or stopped (written in the change's transaction). */
export function autopayChangeEvent(type: AutopayChange, e: EnrollmentForEvent, at: Date) {
  return webhookEventRow(type, enrollmentData(e, type === 'autopay.canceled' ? 'canceled' : 'active'), {
    accountId: e.account_id,
    at,
  });
}

/** autopay.paused, with why. */
export function autopayPausedEvent(e: EnrollmentForEvent, reason: PausedReason, at: Date) {
  return webhookEventRow(
    'autopay.paused',
    { ...enrollmentData(e, 'paused'), reason },
    { accountId: e.account_id, at },
  );
}
