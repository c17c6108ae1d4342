import { escapeHtml, type RenderedEmail } from './email-templates';

/**
 * The account emails a member gets: confirm your email, someone tried to register with your
 * details, sign-in paused. Short and plain; never a date of birth, record number or account number.
 */
type Locale = 'en' | 'es';

interface Paragraphs {
  subject: string;
  heading: string;
  paragraphs: string[];
  link?: { label: string; url: string };
  after?: string[];
}

function render(p: Paragraphs): RenderedEmail {
  const text = [
    p.heading,
    '',
    ...p.paragraphs.flatMap((x) => [x, '']),
    ...(p.link ? [`${p.link.label}: ${p.link.url}`, ''] : []),
    ...(p.after ?? []).flatMap((x) => [x, '']),
  ]
    .join('\n')
    .trimEnd();
  const html = [
    '<!doctype html><html><body style="font-family: Arial, sans-serif; font-size: 19px; line-height: 1.5; color: #0b0c0c;">',
    `<h1 style="font-size: 28px;">${escapeHtml(p.heading)}</h1>`,
    ...p.paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`),
    ...(p.link
      ? [
          `<p><a href="${escapeHtml(p.link.url)}" style="color: #1d70b8; font-weight: bold;">${escapeHtml(p.link.label)}</a></p>`,
        ]
      : []),
    ...(p.after ?? []).map((x) => `<p>${escapeHtml(x)}</p>`),
    '</body></html>',
  ].join('');
  return { subject: p.subject, text, html };
}

export function verifyEmailMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  url: string;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, firstName, url, supportPhone: phone } = input;
  return input.locale === 'es'
    ? render({
        subject: `Confirme su correo electrónico para ${org}`,
        heading: `Hola, ${firstName}`,
        paragraphs: [
          `Para terminar de crear su cuenta de ${org}, confirme que este es su correo electrónico.`,
          'El enlace funciona una sola vez y vence en 24 horas.',
        ],
        link: { label: 'Confirmar mi correo electrónico', url },
        after: [`Si usted no creó esta cuenta, no haga nada. ¿Preguntas? Llame al ${phone}.`],
      })
    : render({
        subject: `Confirm your email address for ${org}`,
        heading: `Hello ${firstName}`,
        paragraphs: [
          `To finish creating your ${org} account, confirm that this is your email address.`,
          'The link works once and expires in 24 hours.',
        ],
        link: { label: 'Confirm my email address', url },
        after: [
          `If you did not create this account, you do not need to do anything. Questions? Call ${phone}.`,
        ],
      });
}

export function alreadyRegisteredMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  signInUrl: string;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, firstName, signInUrl, supportPhone: phone } = input;
  return input.locale === 'es'
    ? render({
        subject: `Alguien intentó crear una cuenta de ${org} con sus datos`,
        heading: `Hola, ${firstName}`,
        paragraphs: [
          `Alguien intentó crear una cuenta de ${org} con sus datos, pero usted ya tiene una cuenta.`,
          'Si fue usted, inicie sesión con su correo electrónico y contraseña.',
        ],
        link: { label: 'Iniciar sesión', url: signInUrl },
        after: [`Si no fue usted, llame al ${phone}.`],
      })
    : render({
        subject: `Someone tried to create a ${org} account with your details`,
        heading: `Hello ${firstName}`,
        paragraphs: [
          `Someone tried to create a ${org} account with your details, but you already have one.`,
          'If this was you, sign in with your email address and password.',
        ],
        link: { label: 'Sign in', url: signInUrl },
        after: [`If this was not you, call ${phone}.`],
      });
}

export function signInPausedMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  minutes: number;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, firstName, minutes, supportPhone: phone } = input;
  return input.locale === 'es'
    ? render({
        subject: `Pausamos el inicio de sesión en su cuenta de ${org}`,
        heading: `Hola, ${firstName}`,
        paragraphs: [
          `Hubo 10 intentos seguidos de iniciar sesión en su cuenta de ${org} con una contraseña incorrecta.`,
          `Para protegerla, pausamos el inicio de sesión durante ${minutes} minutos.`,
        ],
        after: [`Si no fue usted, llame al ${phone}.`],
      })
    : render({
        subject: `We paused sign-in to your ${org} account`,
        heading: `Hello ${firstName}`,
        paragraphs: [
          `There were 10 attempts in a row to sign in to your ${org} account with the wrong password.`,
          `To protect it, we paused sign-in for ${minutes} minutes.`,
        ],
        after: [`If this was not you, call ${phone}.`],
      });
}

export function resetPasswordMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  url: string;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, firstName, url, supportPhone: phone } = input;
  return input.locale === 'es'
    ? render({
        subject: `Cambie su contraseña de ${org}`,
        heading: `Hola, ${firstName}`,
        paragraphs: [
          `Alguien pidió cambiar la contraseña de su cuenta de ${org}.`,
          'El enlace funciona una sola vez y vence en 1 hora.',
        ],
        link: { label: 'Elegir una contraseña nueva', url },
        after: [
          `Si usted no lo pidió, no haga nada: su contraseña no cambia. ¿Preguntas? Llame al ${phone}.`,
        ],
      })
    : render({
        subject: `Reset your ${org} password`,
        heading: `Hello ${firstName}`,
        paragraphs: [
          `Someone asked to reset the password of your ${org} account.`,
          'The link works once and expires in 1 hour.',
        ],
        link: { label: 'Choose a new password', url },
        after: [
          `If you did not ask for this, do nothing: your password stays the same. Questions? Call ${phone}.`,
        ],
      });
}

export function passwordChangedMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, firstName, supportPhone: phone } = input;
  return input.locale === 'es'
    ? render({
        subject: `Su contraseña de ${org} cambió`,
        heading: `Hola, ${firstName}`,
        paragraphs: [`La contraseña de su cuenta de ${org} acaba de cambiar y cerramos sus otras sesiones.`],
        after: [`Si no fue usted, llame al ${phone} de inmediato.`],
      })
    : render({
        subject: `Your ${org} password was changed`,
        heading: `Hello ${firstName}`,
        paragraphs: [
          `The password of your ${org} account was just changed, and your other sessions were signed out.`,
        ],
        after: [`If this was not you, call ${phone} right away.`],
      });
}

export function emailChangedMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  newEmail: string;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, firstName, newEmail, supportPhone: phone } = input;
  return input.locale === 'es'
    ? render({
        subject: `Cambió el correo electrónico de su cuenta de ${org}`,
        heading: `Hola, ${firstName}`,
        paragraphs: [
          `Desde ahora le escribiremos a ${newEmail}. Este correo ya no recibirá mensajes de su cuenta.`,
        ],
        after: [`Si no fue usted, llame al ${phone} de inmediato.`],
      })
    : render({
        subject: `The email address of your ${org} account changed`,
        heading: `Hello ${firstName}`,
        paragraphs: [
          `From now on we will write to ${newEmail}. This address will no longer get messages about your account.`,
        ],
        after: [`If this was not you, call ${phone} right away.`],
      });
}

/** Why a scheduled payment charged nothing, in the member's words. */
export type ScheduledNotMadeReason =
  | 'declined'
  | 'nothing_owed'
  | 'method_removed'
  | 'expired_card'
  | 'method_not_accepted'
  | 'other';

const notMadeReasons: Record<Locale, Record<ScheduledNotMadeReason, string>> = {
  en: {
    declined: 'Your card issuer or bank declined the payment.',
    nothing_owed: 'The bill was already paid, so there was nothing to charge.',
    method_removed: 'The payment method was removed from your account.',
    expired_card: 'The card has expired.',
    method_not_accepted: 'We can no longer take payments with this method.',
    other: 'We could not take the payment.',
  },
  es: {
    declined: 'El emisor de su tarjeta o su banco rechazó el pago.',
    nothing_owed: 'La factura ya estaba pagada, así que no había nada que cobrar.',
    method_removed: 'El método de pago se quitó de su cuenta.',
    expired_card: 'La tarjeta está vencida.',
    method_not_accepted: 'Ya no podemos aceptar pagos con este método.',
    other: 'No pudimos hacer el pago.',
  },
};

/** A scheduled payment ran and charged nothing: why, and a link to pay now if anything is owed. */
export function scheduledPaymentNotMadeMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  amount: string;
  payOn: string;
  reason: ScheduledNotMadeReason;
  url: string;
  supportPhone: string;
}): RenderedEmail {
  const { firstName, amount, payOn, url, supportPhone: phone } = input;
  const why = notMadeReasons[input.locale][input.reason];
  const owed = input.reason !== 'nothing_owed';
  return input.locale === 'es'
    ? render({
        subject: owed
          ? `Su pago programado de ${amount} no se hizo`
          : `No se cobró su pago programado de ${amount}`,
        heading: `Hola, ${firstName}`,
        paragraphs: [`Su pago programado de ${amount} para el ${payOn} no se hizo. ${why}`],
        ...(owed
          ? {
              link: { label: 'Pagar ahora', url },
              after: [`No se le cobró nada. ¿Preguntas? Llame al ${phone}.`],
            }
          : { after: [`¿Preguntas? Llame al ${phone}.`] }),
      })
    : render({
        subject: owed
          ? `Your scheduled payment of ${amount} was not made`
          : `Your scheduled payment of ${amount} was not needed`,
        heading: `Hello ${firstName}`,
        paragraphs: [`Your scheduled payment of ${amount} for ${payOn} was not made. ${why}`],
        ...(owed
          ? {
              link: { label: 'Pay now', url },
              after: [`You have not been charged. Questions? Call ${phone}.`],
            }
          : { after: [`Questions? Call ${phone}.`] }),
      });
}

/** Before an automatic charge: what, when and from what, and how to change or stop it. */
export function autopayNoticeMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  amount: string;
  chargeOn: string;
  method: string;
  /** e.g. 'bill T123456789' or 'your December premium'. */
  what: string;
  /** The amount is above the member's limit: nothing is charged unless they approve it. */
  overLimit: string | null;
  url: string;
  supportPhone: string;
}): RenderedEmail {
  const {
    organizationName: org,
    firstName,
    amount,
    chargeOn,
    method,
    what,
    url,
    supportPhone: phone,
  } = input;
  if (input.locale === 'es') {
    return render({
      subject: input.overLimit
        ? `Apruebe su pago automático de ${amount}`
        : `Su pago automático de ${amount} será el ${chargeOn}`,
      heading: `Hola, ${firstName}`,
      paragraphs: input.overLimit
        ? [
            `Su pago automático de ${what} sería de ${amount}, más que su límite de ${input.overLimit}.`,
            `No cobraremos nada a menos que usted lo apruebe antes del ${chargeOn}.`,
          ]
        : [`El ${chargeOn} cobraremos ${amount} a su ${method} por ${what}.`],
      link: {
        label: input.overLimit ? 'Aprobar o pagar otra cantidad' : 'Ver o cambiar sus pagos automáticos',
        url,
      },
      after: [`Puede cambiarlo o detenerlo antes de esa fecha. ¿Preguntas? Llame al ${phone}. ${org}.`],
    });
  }
  return render({
    subject: input.overLimit
      ? `Approve your automatic payment of ${amount}`
      : `Your automatic payment of ${amount} is on ${chargeOn}`,
    heading: `Hello ${firstName}`,
    paragraphs: input.overLimit
      ? [
          `Your automatic payment for ${what} would be ${amount}, more than your limit of ${input.overLimit}.`,
          `We will not charge anything unless you approve it before ${chargeOn}.`,
        ]
      : [`On ${chargeOn} we will charge ${amount} to your ${method} for ${what}.`],
    link: {
      label: input.overLimit ? 'Approve it or pay another amount' : 'See or change your automatic payments',
      url,
    },
    after: [`You can change or stop it before then. Questions? Call ${phone}. ${org}.`],
  });
}

/** An automatic charge did not go through: whether we try again, or autopay is paused; and how to pay now. */
export function autopayNotMadeMessage(input: {
  locale: Locale;
  firstName: string;
  amount: string;
  method: string;
  reason: string;
  /** When the next try is; null when there is none. */
  nextTry: string | null;
  paused: boolean;
  url: string;
  supportPhone: string;
}): RenderedEmail {
  const { firstName, amount, method, reason, nextTry, url, supportPhone: phone } = input;
  if (input.locale === 'es') {
    return render({
      subject: input.paused ? 'Pausamos sus pagos automáticos' : `Su pago automático de ${amount} no se hizo`,
      heading: `Hola, ${firstName}`,
      paragraphs: [
        `No pudimos cobrar ${amount} a su ${method}. ${reason}`,
        nextTry
          ? `Lo intentaremos de nuevo el ${nextTry}. Para evitarlo, pague ahora o cambie el método de pago.`
          : input.paused
            ? 'Pausamos sus pagos automáticos para no intentarlo más. No los cancelamos: reanúdelos cuando actualice su método de pago.'
            : 'No lo intentaremos de nuevo.',
      ],
      link: { label: 'Arreglar el método de pago y pagar ahora', url },
      after: [`No se le cobró nada. ¿Preguntas? Llame al ${phone}.`],
    });
  }
  return render({
    subject: input.paused
      ? 'We paused your automatic payments'
      : `Your automatic payment of ${amount} did not go through`,
    heading: `Hello ${firstName}`,
    paragraphs: [
      `We could not charge ${amount} to your ${method}. ${reason}`,
      nextTry
        ? `We will try again on ${nextTry}. To avoid that, pay now or change the payment method.`
        : input.paused
          ? 'We paused your automatic payments so we do not keep trying. They are not cancelled: turn them back on when your payment method is up to date.'
          : 'We will not try again.',
    ],
    link: { label: 'Fix the payment method and pay now', url },
    after: [`You have not been charged. Questions? Call ${phone}.`],
  });
}

/** Autopay was turned on or changed: the terms, and for a bank account the authorization and how to revoke it. */
export function autopayEnrolledMessage(input: {
  locale: Locale;
  organizationName: string;
  firstName: string;
  summary: string;
  method: string;
  bankAuthorization: { textVersion: string; acceptedAt: string } | null;
  url: string;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, firstName, summary, method, url, supportPhone: phone } = input;
  const auth = input.bankAuthorization;
  if (input.locale === 'es') {
    return render({
      subject: `Sus pagos automáticos de ${org} están activados`,
      heading: `Hola, ${firstName}`,
      paragraphs: [
        `${summary} Con: ${method}. Le avisaremos por lo menos 3 días antes de cada cobro.`,
        ...(auth
          ? [
              `Usted autorizó débitos recurrentes de su cuenta bancaria (autorización versión ${auth.textVersion}, ${auth.acceptedAt}). Puede revocarla cuando quiera desactivando los pagos automáticos en su cuenta o llamando al ${phone}, por lo menos 3 días hábiles antes del próximo cobro.`,
            ]
          : []),
      ],
      link: { label: 'Ver sus pagos automáticos', url },
    });
  }
  return render({
    subject: `Your ${org} automatic payments are on`,
    heading: `Hello ${firstName}`,
    paragraphs: [
      `${summary} From: your ${method}. We will tell you at least 3 days before each charge.`,
      ...(auth
        ? [
            `You authorized recurring debits from your bank account (authorization version ${auth.textVersion}, ${auth.acceptedAt}). You can revoke it at any time by turning automatic payments off in your account or by calling ${phone}, at least 3 business days before the next charge.`,
          ]
        : []),
    ],
    link: { label: 'See your automatic payments', url },
  });
}

/** A bank debit came back: what it means, that the bill is open again, and what to do. */
export function bankPaymentReturnedMessage(input: {
  locale: Locale;
  organizationName: string;
  amount: string;
  account: string;
  returnCode: string;
  /** R02, R03 and the unauthorized codes: we will not debit this account again until authorized again. */
  blocked: boolean;
  /** R01 that will be presented again: the day (as read), or null when it will not be. */
  presentAgainOn: string | null;
  url: string;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, amount, account, returnCode: code, url, supportPhone: phone } = input;
  const es = input.locale === 'es';
  const why: Record<string, [string, string]> = {
    R01: ['There was not enough money in the account.', 'No había suficiente dinero en la cuenta.'],
    R02: ['The bank account is closed.', 'La cuenta bancaria está cerrada.'],
    R03: ['The bank could not find this account.', 'El banco no encontró esta cuenta.'],
    R05: [
      'The bank says this debit was not authorized.',
      'El banco indica que este débito no fue autorizado.',
    ],
    R07: ['The authorization for this debit was revoked.', 'Se revocó la autorización de este débito.'],
    R10: [
      'The account holder told the bank this debit was not authorized.',
      'El titular le dijo al banco que este débito no fue autorizado.',
    ],
  };
  const reason = (why[code] ?? ['The bank returned the payment.', 'El banco devolvió el pago.'])[es ? 1 : 0];
  if (es) {
    return render({
      subject: `Su banco devolvió su pago de ${amount}`,
      heading: 'Su pago fue devuelto',
      paragraphs: [
        `Su banco devolvió el pago de ${amount} de su ${account} (código ${code}). ${reason}`,
        'La factura vuelve a tener ese saldo pendiente.',
        ...(input.blocked
          ? [
              'No volveremos a debitar esta cuenta hasta que usted la autorice de nuevo o elija otro método de pago.',
            ]
          : []),
        ...(input.presentAgainOn
          ? [
              `Le pediremos este pago a su banco otra vez el ${input.presentAgainOn}, por la misma cantidad. Si prefiere pagar de otra forma, pague antes de esa fecha y no lo volveremos a pedir.`,
            ]
          : code === 'R01'
            ? ['No volveremos a pedir este pago a su banco. Pague el saldo de otra forma.']
            : []),
      ],
      link: { label: 'Pagar ahora', url },
      after: [`¿Preguntas? Llame al ${phone}. ${org}.`],
    });
  }
  return render({
    subject: `Your bank returned your payment of ${amount}`,
    heading: 'Your payment was returned',
    paragraphs: [
      `Your bank returned the payment of ${amount} from your ${account} (code ${code}). ${reason}`,
      'The bill owes that amount again.',
      ...(input.blocked
        ? [
            'We will not debit this account again until you authorize it again or choose another payment method.',
          ]
        : []),
      ...(input.presentAgainOn
        ? [
            `We will ask your bank for this payment again on ${input.presentAgainOn}, for the same amount. If you would rather pay another way, pay before then and we will not ask again.`,
          ]
        : code === 'R01'
          ? ['We will not ask your bank for this payment again. Please pay the balance another way.']
          : []),
    ],
    link: { label: 'Pay now', url },
    after: [`Questions? Call ${phone}. ${org}.`],
  });
}

/** A debit returned for insufficient funds could not be presented to the bank again. */
export function bankRepresentmentFailedMessage(input: {
  locale: Locale;
  organizationName: string;
  amount: string;
  account: string;
  presentOn: string;
  url: string;
  supportPhone: string;
}): RenderedEmail {
  const { organizationName: org, amount, account, presentOn, url, supportPhone: phone } = input;
  if (input.locale === 'es') {
    return render({
      subject: `No pudimos volver a pedir su pago de ${amount}`,
      heading: 'Su pago sigue pendiente',
      paragraphs: [
        `El ${presentOn} no pudimos volver a pedir a su banco el pago de ${amount} de su ${account}. No se cobró nada.`,
        'La factura todavía tiene ese saldo. Pague con otro método.',
      ],
      link: { label: 'Pagar ahora', url },
      after: [`¿Preguntas? Llame al ${phone}. ${org}.`],
    });
  }
  return render({
    subject: `We could not ask your bank again for your payment of ${amount}`,
    heading: 'Your payment is still due',
    paragraphs: [
      `On ${presentOn} we could not ask your bank again for the payment of ${amount} from your ${account}. Nothing was charged.`,
      'The bill still owes that amount. Please pay with another method.',
    ],
    link: { label: 'Pay now', url },
    after: [`Questions? Call ${phone}. ${org}.`],
  });
}
