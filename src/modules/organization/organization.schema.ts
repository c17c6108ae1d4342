import { z } from 'zod';

const localized = z.object({ en: z.string(), es: z.string() });

export const organizationView = z.object({
  id: z.string(),
  name: z.string(),
  shortName: z.string(),
  accentColor: z.string(),
  currency: z.string(),
  support: z.object({ phone: z.string(), tty: z.string(), hours: localized }),
  mailingAddress: z.array(z.string()),
  /** The kinds of premium accounts; sign-in asks which one only when there are both. */
  accountTypes: z.array(z.enum(['individual_family', 'employer_group'])),
  payments: z.object({
    acceptedCardBrands: z.array(z.enum(['visa', 'mastercard', 'discover', 'amex'])),
    bankAccounts: z.boolean(),
    minimumCents: z.number().int(),
    achAuthorization: z.object({ version: z.string(), text: localized }),
    /** The recurring debit authorization for automatic payments: its version (the words are the web app's). */
    achRecurringAuthorization: z.object({ version: z.string() }),
  }),
  regions: z.array(
    z.object({
      id: z.string(),
      name: localized,
      /** IANA time zone: due dates, payment dates and deadlines are calendar dates here. */
      timeZone: z.string(),
      phone: z.string(),
      hours: localized,
      mailingAddress: z.array(z.string()),
      guestPayment: z.object({ medical: z.boolean(), premium: z.boolean() }),
      autopay: z.discriminatedUnion('status', [
        z.object({ status: z.literal('available') }),
        z.object({ status: z.literal('unavailable'), explanation: localized }),
        z.object({ status: z.literal('external'), url: z.string() }),
      ]),
    }),
  ),
  processor: z.object({
    name: z.string(),
    mode: z.enum(['test', 'live']),
    /** Base path of the processor's tokenization endpoint (the sandbox's own, mounted apart from /api). */
    tokenizationUrl: z.string(),
  }),
});
export type OrganizationView = z.infer<typeof organizationView>;
