import { z } from 'zod';
import { billView } from '../bills/bills.schema';

const trimmed = (max: number) => z.string().trim().min(1).max(max);

export const medicalLookupBody = z.object({
  regionId: trimmed(40),
  kind: z.literal('medical'),
  accountNumber: trimmed(32).describe('Account number printed at the top right of the bill'),
  postalCode: trimmed(10).describe('ZIP code of the billing address (5 digits, or ZIP+4)'),
});

export const premiumLookupBody = z.object({
  regionId: trimmed(40),
  kind: z.literal('premium'),
  accountNumber: trimmed(32).describe('Account number printed on the premium coupon'),
  invoiceNumber: trimmed(32).describe('Invoice number printed on the premium coupon'),
  lastName: trimmed(80).describe("Subscriber's last name as printed on the coupon"),
});

export const guestLookupBody = z.discriminatedUnion('kind', [medicalLookupBody, premiumLookupBody]);
export type GuestLookupBody = z.infer<typeof guestLookupBody>;

export const guestAccountView = z.object({
  kind: z.enum(['medical', 'premium']),
  regionId: z.string(),
  /** Last 4 digits only, e.g. "••••4821" */
  maskedAccountNumber: z.string(),
  /** First initial and last name, e.g. "M. Rivera" */
  holderName: z.string(),
});

export const guestSessionView = z.object({
  /** Bearer token for `Authorization: Bearer …` on the other guest endpoints. Short-lived. */
  sessionToken: z.string(),
  expiresAt: z.iso.datetime(),
  account: guestAccountView,
  bills: z.array(billView),
});
export type GuestSessionView = z.infer<typeof guestSessionView>;

export const guestBillsView = z.object({
  expiresAt: z.iso.datetime(),
  account: guestAccountView,
  bills: z.array(billView),
});
export type GuestBillsView = z.infer<typeof guestBillsView>;
