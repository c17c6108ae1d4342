/**
 * Payments as an integrator reads them (`payments:read`): the list a billing system polls to post
 * what was paid, and one payment with the bills it paid under the billing system's own identifiers.
 */
import { z } from 'zod';
import { externalId } from '../intake/intake.schema';
import { paymentStatus } from './payments.schema';

const instant = z.iso.datetime({ offset: true });

export const apiPaymentListQuery = z
  .object({
    createdFrom: instant
      .optional()
      .describe('Only payments made at or after this instant (ISO 8601 with offset)'),
    createdBefore: instant.optional().describe('Only payments made before this instant'),
    status: paymentStatus.optional().describe('Only payments in this status'),
    accountExternalId: externalId
      .optional()
      .describe('Only payments on the account with this identifier of yours'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.uuid().optional().describe('The `nextCursor` of the page before'),
  })
  .strict();
export type ApiPaymentListQuery = z.infer<typeof apiPaymentListQuery>;

export const apiPaymentView = z
  .object({
    id: z.uuid(),
    confirmationNumber: z.string().describe('What the payer was shown and emailed'),
    status: paymentStatus,
    amountCents: z.number().int(),
    currency: z.string(),
    refundedCents: z.number().int().describe('What refunds that succeeded gave back'),
    channel: z
      .enum(['guest', 'member', 'staff', 'scheduled', 'autopay', 'api'])
      .describe('How it was made: a guest, a signed-in member, a scheduled payment, automatic payments'),
    method: z.object({
      type: z.enum(['card', 'bank']),
      brand: z.string().nullable(),
      last4: z.string(),
    }),
    account: z.object({
      id: z.uuid(),
      externalId: z.string().nullable().describe('Your identifier of the account, if it came through intake'),
      accountNumber: z.string(),
    }),
    bills: z
      .array(
        z.object({
          billId: z.uuid(),
          externalId: z
            .string()
            .nullable()
            .describe('Your identifier of the bill, if it came through intake'),
          number: z.string(),
          amountCents: z.number().int().describe('What this payment takes off this bill'),
        }),
      )
      .describe('What the payment paid on each bill'),
    failure: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .describe('Why a failed payment failed'),
    returnCode: z.string().nullable().describe('The NACHA return code of a returned bank debit'),
    representsPaymentId: z.uuid().nullable().describe('The returned debit this one presents again, if any'),
    createdAt: instant,
    completedAt: instant.nullable().describe('When the processor gave its final answer'),
    settledAt: instant
      .nullable()
      .describe('When a bank debit settled (the bank will not return it any more)'),
  })
  .meta({
    examples: [
      {
        id: '0193f1c2-7a10-7c4e-9b2a-5d1e8f3a6b01',
        confirmationNumber: '1T8XA-GXG19-G',
        status: 'succeeded',
        amountCents: 17000,
        currency: 'USD',
        refundedCents: 0,
        channel: 'guest',
        method: { type: 'card', brand: 'visa', last4: '4242' },
        account: {
          id: '0193f1c2-6e00-7a1b-8c3d-2f4e5a6b7c8d',
          externalId: 'GA-5001',
          accountNumber: '4001200031',
        },
        bills: [
          {
            billId: '0193f1c2-6e10-7d2c-9e4f-3a5b6c7d8e9f',
            externalId: 'INV-9001',
            number: 'H20261001',
            amountCents: 17000,
          },
        ],
        failure: null,
        returnCode: null,
        representsPaymentId: null,
        createdAt: '2026-11-02T17:04:11.512Z',
        completedAt: '2026-11-02T17:04:12.034Z',
        settledAt: null,
      },
    ],
  });
export type ApiPaymentView = z.infer<typeof apiPaymentView>;

export const apiPaymentList = z.object({
  /** Oldest first. */
  data: z.array(apiPaymentView),
  nextCursor: z.uuid().nullable().describe('Pass as `cursor` for the next page; null on the last'),
});
export type ApiPaymentList = z.infer<typeof apiPaymentList>;
