import type { Strings } from '../parts';

/**
 * English words for signing in, two-step codes, registering, passwords and email links. Loaded with
 * the sign-in area, and with the member area, whose settings reuse its password, date and two-step
 * forms (../parts.ts).
 *
 * Read them aloud: if a sentence sounds like a bank's back office, rewrite it. Every key here must
 * exist in ../es/sign-in.ts (the type there enforces it).
 */
export const texts = {
  password: {
    show: 'Show',
    hide: 'Hide',
    showLabel: 'Show password',
    hideLabel: 'Hide password',
    announceShown: 'Your password is visible',
    announceHidden: 'Your password is hidden',
  },
  dateInput: {
    day: 'Day',
    month: 'Month',
    year: 'Year',
    errors: {
      required: 'Enter your date of birth',
      missing: {
        day: 'Date of birth must include a day',
        month: 'Date of birth must include a month',
        year: 'Date of birth must include a year',
      },
      real: 'Date of birth must be a real date, like 27 3 1985',
      yearDigits: 'Year must include 4 numbers, like 1985',
      tooOld: 'Check the year of your date of birth',
      past: 'Date of birth must be in the past',
    },
  },
  signIn: {
    title: 'Sign in',
    intro: 'Sign in to see all your bills, the bills of the people you pay for, and your past payments.',
    email: 'Email address',
    password: 'Password',
    planType: {
      legend: 'Which plan do you want to see? (optional)',
      hint: 'Only if you have both kinds of plan with us.',
      individual_family: {
        label: 'Individual or family plan',
        hint: 'A plan you bought yourself',
      },
      employer_group: {
        label: 'Employer group plan',
        hint: 'A plan you get through your job',
      },
    },
    submit: 'Sign in',
    signingIn: 'Signing in…',
    forgot: 'Forgot your password?',
    noAccountTitle: 'No account yet?',
    noAccountBody: 'You can create one if you are a member. You will need your member ID card.',
    register: 'Create an account',
    guestTitle: 'Just want to pay a bill?',
    guestBody: 'You can pay a bill without an account. You will need the bill.',
    guest: 'Pay without signing in',
    errors: {
      emailRequired: 'Enter your email address',
      emailFormat: 'Enter an email address in the correct format, like name@example.com',
      passwordRequired: 'Enter your password',
      failed:
        'The email address or password is not right, or the account is locked for a while after too many tries. Check both and try again, or call us.',
      notVerified: 'Confirm your email first. We just sent you a new link to {{email}}.',
      planType: 'Choose a plan, or leave this blank',
      rateLimited_one: 'You have tried too many times. Wait 1 minute, then try again, or call us.',
      rateLimited_other: 'You have tried too many times. Wait {{count}} minutes, then try again, or call us.',
    },
  },
  forgotPassword: {
    title: 'Forgot your password?',
    intro: 'Enter the email address you sign in with. We will send you a link to choose a new password.',
    email: 'Email address',
    emailHint: 'The address you gave when you created your account',
    submit: 'Send me a link',
    sending: 'Sending…',
    sentTitle: 'Check your email',
    sentTo: 'If there is an account with this address, we have sent a link to',
    sentNoAddress: 'If there is an account with the address you gave, we have sent a link to it.',
    openLink: 'Open the email and select the link to choose a new password.',
    expires:
      'The link works for 1 hour, and only once. When you choose a new password, you are signed out on every device.',
    wrongAddress: 'Check the email address is right.',
    tryAgain: 'Enter it again',
    call: 'If you still have no email, call the member services number for your region. We will check who you are and help you get back in.',
    payTitle: 'Need to pay a bill now?',
    payBody: 'You can pay without signing in. You will need the bill.',
    errors: {
      emailRequired: 'Enter the email address you sign in with',
      emailFormat: 'Enter an email address in the correct format, like name@example.com',
      rateLimited_one: 'You have asked too many times. Wait 1 minute, then try again, or call us.',
      rateLimited_other: 'You have asked too many times. Wait {{count}} minutes, then try again, or call us.',
    },
  },
  resetPassword: {
    title: 'Choose a new password',
    intro: 'When you save it, you will be signed out on every device. Then sign in with your new password.',
    password: 'New password',
    submit: 'Save my new password',
    saving: 'Saving…',
    doneTitle: 'Your password is changed',
    doneBody: 'Sign in with your new password.',
    doneOthers:
      'For your security, we signed you out on every device and sent you an email about the change.',
    signIn: 'Sign in',
    invalidTitle: 'This link has expired or was already used',
    invalidLead: 'Links to choose a new password work for 1 hour, and only once.',
    invalidBody: 'Ask for a new link. We will email it to you straight away.',
    newLink: 'Ask for a new link',
    errors: {
      required: 'Enter a new password',
    },
  },
  twoStep: {
    code: 'Code from your authenticator app',
    codeHint: 'The 6-digit code the app shows now, like 123456',
    recoveryCode: 'Recovery code',
    recoveryHint:
      'One of the recovery codes you saved when you turned on two-step verification, like ABCDE-FGHJK. Each one works once.',
    useRecovery: 'Use a recovery code instead',
    useCode: 'Use a code from your app instead',
    signIn: {
      title: 'Enter the code from your authenticator app',
      recoveryTitle: 'Enter a recovery code',
      intro:
        'Your account uses two-step verification. Open the authenticator app on your phone and enter the code it shows for this account.',
      recoveryIntro: 'Use one of the recovery codes you saved or printed. Each code works once.',
      noPhoneTitle: 'Lost your phone and your recovery codes?',
      noPhoneBody:
        'Call the member services number for your region. We will check who you are and help you get back in.',
      timedOutTitle: 'Sign in again',
      timedOutBody:
        'Your sign-in timed out, or a code was wrong too many times. For your security, start again with your email address and password.',
      startAgain: 'Sign in again',
    },
    errors: {
      codeRequired: 'Enter the 6-digit code from your authenticator app',
      codeFormat: 'Enter the code as 6 numbers, like 123456',
      wrongCode:
        'That code did not work. Enter the newest code your app shows. Codes change every 30 seconds',
      recoveryRequired: 'Enter one of your recovery codes',
      recoveryFormat: 'Enter the recovery code as it is written, like ABCDE-FGHJK',
      wrongRecovery: 'That recovery code did not work. Check it, or use another one. Each code works once',
      rateLimited_one: 'You have tried too many times. Wait 1 minute, then try again.',
      rateLimited_other: 'You have tried too many times. Wait {{count}} minutes, then try again.',
    },
  },
  register: {
    title: 'Create an account',
    intro:
      'With an account you can see all your bills and the bills of the people you pay for in one place. You will need your member ID card.',
    haveAccount: 'Already have an account?',
    signIn: 'Sign in',
    aboutYou: 'About you',
    firstName: 'First name',
    lastName: 'Last name',
    nameHint: 'As it is printed on your member ID card',
    birthDate: 'Date of birth',
    birthDateHint: 'For example, 27 3 1985',
    membership: 'Your membership',
    region: 'Which region are you a member in?',
    regionHint: 'The region is printed on your member ID card.',
    mrn: 'Medical record number (MRN)',
    mrnHint: 'Up to 20 letters and numbers',
    mrnWhere:
      'It is on the front of your member ID card, labeled "MRN". If you do not have your card, call your region and we will tell you.',
    signInDetails: 'How you will sign in',
    email: 'Email address',
    emailHint: 'We will send a link to this address to check it is yours.',
    password: 'Create a password',
    passwordHint: 'At least {{min}} characters. A few unrelated words is easy to remember.',
    language: 'Which language do you want us to use?',
    languageHint: 'For emails and when you sign in. You can still switch language on any page.',
    termsTitle: 'Before you create your account',
    terms: {
      match: 'We use your name, date of birth and medical record number only to find your member record.',
      email: 'We will email you about your account, your bills and your payments.',
      private: 'Keep your password to yourself. Anyone with it can see your bills.',
      close: 'You can close your account at any time by calling us.',
    },
    acceptTerms: 'I agree to these terms, and the details I gave are mine',
    submit: 'Create account',
    creating: 'Creating your account…',
    picture: {
      card: 'Member ID card',
      member: 'Member',
      mrn: 'MRN',
    },
    errors: {
      firstName: {
        required: 'Enter your first name',
        tooLong: 'First name must be 80 characters or fewer',
        invalid: 'Enter your first name as it is printed on your member ID card',
      },
      lastName: {
        required: 'Enter your last name',
        tooLong: 'Last name must be 80 characters or fewer',
        invalid: 'Enter your last name as it is printed on your member ID card',
      },
      birthDate: {
        invalid: 'Date of birth must be a real date, like 27 3 1985',
      },
      regionId: {
        required: 'Select the region you are a member in',
        invalid: 'Select the region you are a member in',
      },
      medicalRecordNumber: {
        required: 'Enter the medical record number (MRN) from your member ID card',
        tooLong: 'The medical record number must be 20 characters or fewer',
        invalid: 'Enter the medical record number (MRN) exactly as it is on your member ID card',
      },
      email: {
        required: 'Enter your email address',
        invalid: 'Enter an email address in the correct format, like name@example.com',
      },
      password: {
        required: 'Create a password',
        too_short: 'Your password must be at least {{min}} characters',
        too_long: 'Your password must be {{max}} characters or fewer',
        too_common: 'This password is too common and easy to guess. Try a few unrelated words',
        same_as_email: 'Your password must not be your email address',
        invalid: 'Create a password of at least {{min}} characters',
      },
      language: {
        invalid: 'Choose English or Spanish',
      },
      acceptTerms: {
        required: 'Select the box to agree to the terms',
        invalid: 'Select the box to agree to the terms',
      },
      rateLimited_one: 'You have tried too many times. Wait 1 minute, then try again, or call us.',
      rateLimited_other: 'You have tried too many times. Wait {{count}} minutes, then try again, or call us.',
    },
  },
  checkEmail: {
    title: 'Check your email',
    sentTo: 'If the details you gave match our member records, we have sent a link to',
    sentNoAddress:
      'If the details you gave match our member records, we have sent a link to the email address you gave.',
    openLink: 'Open the email and select the link to confirm your email address. Then you can sign in.',
    expires: 'The link works for 24 hours, and only once.',
    nothingTitle: 'If you do not get an email',
    spam: 'Check your spam or junk folder.',
    wait: 'Wait a few minutes. Emails can take a while to arrive.',
    wrongAddress: 'Check the email address is right.',
    changeDetails: 'Change your details',
    alreadyRegistered:
      'If you already have an account, we do not make another one: we email the address on that account instead. Sign in with it.',
    call: 'If you still have no email, call us. We can check your member details.',
    signIn: 'Sign in',
  },
  verifyEmail: {
    checking: 'Confirming your email address',
    doneTitle: 'Your email is confirmed',
    doneBody: 'You can use it to sign in now.',
    doneNext:
      'Sign in to see your bills and payments. If you changed your email address, sign in with the new one from now on.',
    signIn: 'Sign in',
    failedTitle: 'We could not confirm your email just now',
    failedBody: 'Check your internet connection and try again. The link still works.',
    tryAgain: 'Try again',
    invalidTitle: 'This link has expired or was already used',
    invalidLead: 'Links to confirm your email work for 24 hours, and only once.',
    invalidAlready: 'If you already confirmed your email, you can sign in.',
    invalidNewLink:
      'If you did not, sign in with your email address and password anyway: we will send you a new link.',
    invalidChange:
      'If you were changing your email address, sign in with your current one and ask for a new link on your profile page.',
    registerAgain: 'Create an account again',
  },
  signedOut: {
    title: 'You have signed out',
    body: 'Your account details are no longer shown on this device.',
    shared: 'If you are using a shared computer, close the browser window too.',
    signIn: 'Sign in again',
  },
  memberSessionEnded: {
    title: 'You have been signed out',
    body: 'For your security, we sign you out after a while without any activity.',
    nothingLost: 'Nothing has changed on your account. Sign in again to carry on.',
    signIn: 'Sign in again',
  },
};

export type Texts = Strings<typeof texts>;
