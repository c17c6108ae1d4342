import { isApiError } from '../../api';
import type { FieldMsg } from '../../components/useFormErrors';

export type TokenizeFailure<F extends string> = { mapped: Partial<Record<F, FieldMsg>>; errors: FieldMsg[] };

/**
 * Turns a tokenization failure into messages next to our fields. The processor names its fields
 * (`card.number`, `bank.routingNumber`); `fromProcessor` translates one into our message, whose id
 * tells which of our fields it belongs to. Anything unmapped (network, 5xx) becomes one summary
 * message on the first field.
 */
export function tokenizeFailure<F extends string>(
  err: unknown,
  options: {
    fieldIds: Record<F, string>;
    order: readonly F[];
    fromProcessor: (field: string, code: string) => FieldMsg | null;
    fallbackKey: string;
    fallbackField: F;
  },
): TokenizeFailure<F> {
  const mapped: Partial<Record<F, FieldMsg>> = {};
  if (isApiError(err) && err.status === 400 && err.problem.errors?.length) {
    const fields = Object.keys(options.fieldIds) as F[];
    for (const e of err.problem.errors) {
      const msg = options.fromProcessor(e.field, e.code);
      const field = fields.find((f) => options.fieldIds[f] === msg?.id);
      if (msg && field && !mapped[field]) mapped[field] = msg;
    }
    const errors = options.order.map((f) => mapped[f]).filter((m): m is FieldMsg => Boolean(m));
    if (errors.length > 0) return { mapped, errors };
  }
  const key = isApiError(err) && err.code === 'network' ? 'common.errors.network' : options.fallbackKey;
  return {
    mapped,
    errors: [{ id: options.fieldIds[options.fallbackField], key, summaryOnly: true }],
  };
}
