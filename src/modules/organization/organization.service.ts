import type { Config } from '../../config';
import type { OrganizationView } from './organization.schema';

/** The words a bank-account payer must accept (NACHA WEB debit authorization), versioned by config. */
export function achAuthorizationText(config: Config): { en: string; es: string } {
  const org = config.organization.name;
  return {
    en:
      `I authorize ${org} to make a one-time electronic debit from the bank account I entered, for the amount and ` +
      'on the date shown. If the debit is returned, I may be charged a fee as the law allows. I can cancel this ' +
      `authorization before the payment is processed by calling ${config.organization.support.phone}.`,
    es:
      `Autorizo a ${org} a realizar un único débito electrónico de la cuenta bancaria que ingresé, por el monto y ` +
      'en la fecha indicados. Si el débito es devuelto, se me puede cobrar un cargo según lo permita la ley. Puedo ' +
      `cancelar esta autorización antes de que se procese el pago llamando al ${config.organization.support.phone}.`,
  };
}

export function getOrganization(config: Config): OrganizationView {
  const org = config.organization;
  return {
    id: org.id,
    name: org.name,
    shortName: org.shortName,
    accentColor: org.branding.accentColor,
    currency: org.currency,
    support: org.support,
    mailingAddress: org.mailingAddress,
    accountTypes: org.accountTypes,
    payments: {
      acceptedCardBrands: org.payments.acceptedCardBrands,
      bankAccounts: org.payments.bankAccounts,
      minimumCents: org.payments.minimumCents,
      achAuthorization: { version: org.payments.achAuthorizationVersion, text: achAuthorizationText(config) },
      achRecurringAuthorization: { version: org.payments.achRecurringAuthorizationVersion },
    },
    regions: org.regions.map((r) => ({
      id: r.id,
      name: r.name,
      timeZone: r.timeZone,
      phone: r.phone,
      hours: r.hours,
      mailingAddress: r.mailingAddress,
      guestPayment: r.guestPayment,
      autopay: r.autopay,
    })),
    // With Stripe the page has no fields of its own yet (the Payment Element, issue 15): the URL stays the sandbox's.
    processor: { name: config.processor, mode: config.processorMode, tokenizationUrl: '/sandbox/v1' },
  };
}
