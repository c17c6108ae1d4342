/** What the autopay use cases share: the member's language, a region's settings, a method's label. */
import type { Deps } from '../../deps';
import { methodLabel } from '../payments/payment-views.service';
import type { PaymentMethodView } from '../wallet/wallet.schema';

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
