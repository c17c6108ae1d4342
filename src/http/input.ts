import type { FastifyInstance } from 'fastify';
import { AppError, type FieldError } from '../errors';

const NUL = '\u0000';
/** A UTF-16 surrogate not paired with its other half: `u` mode reads a valid pair as one code point. */
const LONE_SURROGATE = /\p{Cs}/u;

function unstorable(s: string): boolean {
  return s.includes(NUL) || LONE_SURROGATE.test(s);
}

/** Paths of strings (values or keys) PostgreSQL could not store, walked without recursion. */
export function findUnstorable(root: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0 && errors.length < 20) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (unstorable(value)) {
        errors.push({
          field: path || '(body)',
          code: 'invalid_characters',
          message: 'Remove control or unsupported characters',
        });
      }
    } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
      // A body kept as its bytes (/webhooks/stripe) is checked where it is parsed.
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (unstorable(key)) stack.push([key, childPath]);
        else stack.push([child, childPath]);
      }
    }
  }
  return errors;
}

/**
 * PostgreSQL text and jsonb cannot hold NUL or unpaired surrogates, and no real bill number, name or
 * token contains them: such input is refused as a validation error before it can reach a query and
 * surface as a 500.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors = [...findUnstorable(request.body), ...findUnstorable(request.query)];
    if (errors.length > 0) {
      throw new AppError('validation_failed', { detail: 'Some characters cannot be used', errors });
    }
  });
}
