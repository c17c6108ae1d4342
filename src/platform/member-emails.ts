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
