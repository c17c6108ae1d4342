import type { Strings } from '../parts';

/**
 * English words for the guest payment's own pages: region, kind of bill, finding the bill, session
 * ended, finish. Loaded with the guest area, beside the payment part (../parts.ts).
 *
 * Read them aloud: if a sentence sounds like a bank's back office, rewrite it. Every key here must
 * exist in ../es/guest.ts (the type there enforces it).
 */
export const texts = {
  region: {
    title: 'Which region are you in?',
    hint: 'This is the region where you get care. It is printed on your bill and on your member ID card.',
    errorRequired: 'Select the region where you get care',
  },
  billType: {
    title: 'What kind of bill do you want to pay?',
    hint: 'We will ask for different numbers from each kind of bill.',
    errorRequired: 'Select the kind of bill you want to pay',
    medical: {
      label: 'A medical bill',
      hint: 'A bill for care at a hospital or from a doctor. You will need the account number and ZIP code printed on it.',
    },
    premium: {
      label: 'A premium invoice',
      hint: 'Your monthly payment for your health plan. You will need the numbers on the payment coupon at the bottom of the invoice.',
    },
  },
  lookup: {
    accountNumber: 'Account number',
    accountFormat: 'Enter the account number using only letters, numbers, spaces or dashes, as it is printed',
    submit: 'Find my bill',
    searching: 'Finding your bill…',
    rateLimited_one: 'You have tried too many times. Wait 1 minute, then try again, or call us.',
    rateLimited_other: 'You have tried too many times. Wait {{count}} minutes, then try again, or call us.',
    invalid: {
      accountNumber: 'Enter the account number exactly as it is printed on your bill',
      postalCode: 'Enter the 5-digit ZIP code on your bill, like 95814',
      invoiceNumber: 'Enter the invoice number exactly as it is printed on your coupon',
      lastName: 'Enter the last name as it is printed on your coupon',
      regionId: 'Go back and choose your region again',
    },
    medical: {
      title: 'Enter the details from your bill',
      intro: 'We use these to find your bill. They are printed on every bill we send.',
      accountHint: 'Usually 10 digits, at the top right of your bill',
      accountWhere:
        'Look at the top right corner of the first page of your bill, in the box labeled "Account number".',
      accountRequired: 'Enter the account number from the top right of your bill',
      zip: 'ZIP code',
      zipHint: 'The ZIP code of the address we send your bills to',
      zipWhere: 'It is the last part of the address printed on your bill, under your name.',
      zipRequired: 'Enter the ZIP code of the address on your bill',
      zipFormat: 'Enter the 5-digit ZIP code on your bill, like 95814',
      notFound: 'We could not find a bill with those details. Check the numbers on your bill.',
    },
    premium: {
      title: 'Enter the details from your payment coupon',
      intro: 'The payment coupon is the part at the bottom of your premium invoice that you can tear off.',
      accountHint: 'Printed on the left of the payment coupon',
      accountWhere:
        'Look at the payment coupon at the bottom of your invoice, on the left, under "Account number".',
      accountRequired: 'Enter the account number from your payment coupon',
      invoice: 'Invoice number',
      invoiceHint: 'Printed on the right of the payment coupon',
      invoiceWhere: 'It is next to the account number on the payment coupon, under "Invoice number".',
      invoiceRequired: 'Enter the invoice number from your payment coupon',
      invoiceFormat:
        'Enter the invoice number using only letters, numbers, spaces or dashes, as it is printed',
      lastName: 'Last name of the subscriber',
      lastNameHint: 'The person who holds the plan, as printed on the coupon',
      lastNameWhere: 'It is under "Subscriber" on the payment coupon, written as LAST NAME, FIRST NAME.',
      lastNameRequired: 'Enter the last name printed on your payment coupon',
      lastNameLong: 'Last name must be 80 characters or fewer',
      notFound: 'We could not find a bill with those details. Check the numbers on your bill.',
    },
  },
  sessionEnded: {
    title: 'Your session has ended',
    body: 'For your security, we end your session after a short time, or when you finish.',
    nothingCharged: 'If you did not see a confirmation page, you have not paid. Find your bill again to pay.',
    lastPayment: 'Your last payment’s confirmation:',
    startAgain: 'Start again',
  },
  finish: {
    title: 'You have signed out',
    body: 'Thank you. Your details are no longer shown on this device.',
    close: 'You can close this page now.',
  },
};

export type Texts = Strings<typeof texts>;
