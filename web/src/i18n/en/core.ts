import type { Strings } from '../parts';

/**
 * English words for the first load (the core part, see ../parts.ts): the layout (header, account
 * links, footer), the start page, the loading status, the not-found and "unavailable" pages, both
 * time-out warnings, and what the first load's session guards show (a payment already made) —
 * whatever is rendered outside an area.
 *
 * Read them aloud: if a sentence sounds like a bank's back office, rewrite it. Every key here must
 * exist in ../es/core.ts (the type there enforces it).
 */
export const texts = {
  common: {
    serviceName: 'Pay your bill',
    back: 'Back',
    continue: 'Continue',
    change: 'Change',
    finish: 'Finish and sign out',
    payAnother: 'Pay another bill',
    loading: 'Loading…',
    errorPrefix: 'Error:',
    errorSummaryTitle: 'There is a problem',
    errors: {
      network:
        'We could not connect. Check your internet connection and try again. If you were paying, nothing will be charged twice.',
      unexpected: 'Something went wrong on our side. Try again in a few minutes.',
    },
  },
  layout: {
    skipLink: 'Skip to main content',
    languageNav: 'Language',
    helpTitle: 'Need help?',
    helpCall: 'Call us at',
    tty: 'TTY',
    secureNote: 'Your payment details are sent securely and are never stored on this website.',
  },
  start: {
    title: 'Pay your bill',
    lead: 'Pay a medical bill or your health plan premium online.',
    noSignIn: 'You do not need to sign in or create an account.',
    startButton: 'Make a one-time payment',
    beforeTitle: 'Before you start',
    beforeBill:
      'Have your bill or premium invoice with you. You will need the account number and other details printed on it.',
    beforeMethods: 'You can pay with a {{brands}} card.',
    beforeMethodsBank: 'You can pay with a {{brands}} card, or from a checking or savings account.',
    beforeTime: 'It takes about 5 minutes. You will see everything before you pay.',
    helpTitle: 'Questions about your bill?',
    helpIntro: 'Call the billing office for your region. We can explain charges and set up a payment plan.',
    allHours: 'All regions: {{hours}}.',
    helpGeneral: 'For anything else, call',
  },
  lookup: {
    whereToFind: 'Where do I find this?',
  },
  alreadyPaid: {
    title: 'You have already paid this',
    body: 'We received your payment of {{amount}} on {{date}}.',
    confirmation: 'Your confirmation number is',
    noDouble: 'To keep you from paying twice, we do not show the payment form again.',
    viewConfirmation: 'View your confirmation',
  },
  finish: {
    home: 'Go to the start page',
  },
  timeout: {
    title: 'Your session will end soon',
    body_one: 'For your security, we will end your session in 1 minute. Do you need more time?',
    body_other: 'For your security, we will end your session in {{count}} minutes. Do you need more time?',
    stay: 'Stay signed in',
    signOut: 'Sign out',
  },
  serviceNav: {
    label: 'Your account pages',
    home: 'Your account',
    bills: 'Bills',
    wallet: 'Payment methods',
    profile: 'Profile',
    settings: 'Settings',
  },
  accountNav: {
    label: 'Your account',
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
    signIn: 'Sign in',
  },
  memberTimeout: {
    title: 'You will be signed out soon',
    body_one: 'For your security, we will sign you out in 1 minute. Do you want to stay signed in?',
    body_other:
      'For your security, we will sign you out in {{count}} minutes. Do you want to stay signed in?',
    bodyLimit_one:
      'You have been signed in for the longest time we allow. We will sign you out in 1 minute. Then you can sign in again.',
    bodyLimit_other:
      'You have been signed in for the longest time we allow. We will sign you out in {{count}} minutes. Then you can sign in again.',
    stay: 'Stay signed in',
    ok: 'OK',
    signOut: 'Sign out',
  },
  notFound: {
    title: 'Page not found',
    typed: 'If you typed the web address, check it is correct.',
    pasted: 'If you pasted the web address, check you copied the entire address.',
    home: 'Go to the start page to pay your bill',
    call: 'If you need help, call us at',
  },
  unavailable: {
    title: 'Sorry, this service is not available right now',
    body: 'You can try again in a few minutes. Nothing has been charged.',
    retry: 'Try again',
  },
  scheduled: {
    nav: 'Scheduled payments',
  },
  autopay: {
    nav: 'Automatic payments',
  },
};

export type Texts = Strings<typeof texts>;
