import type { ScheduledPaymentView } from '@contract/scheduled/scheduled.schema';
import { isApiError } from '../../../api';
import type { FieldMsg } from '../../../components/useFormErrors';

/**
 * The server said it is too late (8 pm the evening before has passed, or the payment ran or was
 * canceled meanwhile): the view as it now stands, so the page can say so instead of showing the form.
 */
export function lockedView(err: unknown, view: ScheduledPaymentView): ScheduledPaymentView | null {
  if (!isApiError(err) || err.code !== 'scheduled_payment_locked') return null;
  const status = err.problem.scheduledStatus;
  const known: ScheduledPaymentView['status'][] = [
    'scheduled',
    'processing',
    'paid',
    'failed',
    'skipped',
    'canceled',
  ];
  return {
    ...view,
    status: known.find((s) => s === status) ?? view.status,
    changeableUntil: null,
  };
}

/** A change or cancel that failed for a reason not about one field, in words. */
export function scheduledProblem(err: unknown): FieldMsg {
  if (!isApiError(err)) return { id: '', key: 'common.errors.unexpected' };
  switch (err.code) {
    case 'network':
      return { id: '', key: 'common.errors.network' };
    case 'not_found':
      return { id: '', key: 'scheduled.notFound.body' };
    case 'bill_not_payable':
      return { id: '', key: 'scheduled.errors.notPayable' };
    default:
      return { id: '', key: 'common.errors.unexpected' };
  }
}
