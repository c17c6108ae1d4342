import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../errors';
import type { Clock } from '../../clock';
import type { SandboxProcessor } from './sandbox';

const digits = (min: number, max: number) =>
  z
    .string()
    .max(40)
    .transform((s) => s.replace(/[\s-]/g, ''))
    .pipe(
      z
        .string()
        .regex(new RegExp(`^\\d{${min},${max}}$`), `Enter ${min === max ? min : `${min} to ${max}`} digits`),
    );

const tokenBody = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('card'),
    card: z.object({
      number: digits(12, 19),
      expMonth: z.number().int().min(1).max(12),
      expYear: z.number().int().min(2000).max(2100),
      cvc: z.string().max(4),
      postalCode: z.string().max(10).optional(),
      name: z.string().max(100).optional(),
    }),
  }),
  z.object({
    type: z.literal('bank'),
    bank: z.object({
      routingNumber: digits(9, 9),
      accountNumber: digits(4, 17),
      accountType: z.enum(['checking', 'savings']),
      holderName: z.string().trim().min(1).max(100),
    }),
  }),
]);

const tokenView = z.object({
  token: z.string(),
  method: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('card'),
      brand: z.enum(['visa', 'mastercard', 'discover', 'amex']),
      last4: z.string(),
      expMonth: z.number(),
      expYear: z.number(),
    }),
    z.object({
      kind: z.literal('bank'),
      last4: z.string(),
      accountType: z.enum(['checking', 'savings']),
      holderName: z.string(),
    }),
  ]),
});

/**
 * The sandbox processor's own tokenization endpoint, mounted apart from /api like a processor's
 * hosted fields: card and bank numbers are posted here by the browser and only a token comes back.
 * Request bodies are never logged.
 */
export const sandboxRoutes =
  (sandbox: SandboxProcessor, clock: Clock): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/sandbox/v1/tokens',
      {
        schema: {
          summary: 'Sandbox processor: exchange card or bank details for a single-use token',
          tags: ['sandbox processor'],
          security: [],
          body: tokenBody,
          response: { 201: tokenView },
        },
      },
      async (request, reply) => {
        const now = clock.now().toZonedDateTimeISO('UTC');
        const body = request.body;
        const result =
          body.type === 'card'
            ? await sandbox.tokenizeCard(body.card, { year: now.year, month: now.month })
            : await sandbox.tokenizeBank(body.bank);
        if (!result.ok) {
          throw new AppError('validation_failed', {
            detail: 'Check the payment details',
            errors: result.errors.map((e) => ({ ...e, field: `${body.type}.${e.field}` })),
          });
        }
        return reply.status(201).send({ token: result.token, method: result.method });
      },
    );
  };
