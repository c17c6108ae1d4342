import { moneyFormat } from '../domain/money';
export interface ReceiptEmailInput {
  locale: 'en' | 'es';
  organizationName: string;
  confirmationNumber: string;
  amountCents: number;
  /** e.g. 'Visa ending 4242'. The only payment-method detail an email ever carries. */
  methodLabel: string;
  /** Already formatted for display in the region's time zone. */
  paidAt: string;
  bills: { description: string; number: string; amountCents: number }[];
  supportPhone: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const STRINGS = {
  en: {
    subject: 'Your payment to {org}: confirmation {number}',
    heading: 'Payment received',
    intro: 'Thank you. {org} received your payment of {amount}.',
    detailsCaption: 'Payment details',
    confirmationNumber: 'Confirmation number',
    datePaid: 'Date paid',
    method: 'Payment method',
    billsCaption: 'Bills paid',
    bill: 'Bill',
    billNumber: 'Bill number',
    amount: 'Amount',
    total: 'Total paid',
    keep: 'Keep this email for your records.',
    questions: 'Questions about this payment? Call {phone}.',
  },
  es: {
    subject: 'Su pago a {org}: confirmación {number}',
    heading: 'Pago recibido',
    intro: 'Gracias. {org} recibió su pago de {amount}.',
    detailsCaption: 'Detalles del pago',
    confirmationNumber: 'Número de confirmación',
    datePaid: 'Fecha de pago',
    method: 'Método de pago',
    billsCaption: 'Facturas pagadas',
    bill: 'Factura',
    billNumber: 'Número de factura',
    amount: 'Monto',
    total: 'Total pagado',
    keep: 'Guarde este correo para sus registros.',
    questions: '¿Tiene preguntas sobre este pago? Llame al {phone}.',
  },
} as const satisfies Record<ReceiptEmailInput['locale'], Record<string, string>>;

const NUMBER_LOCALE = { en: 'en-US', es: 'es-US' } as const;

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Fills {name} placeholders; values are inserted as given, so escape them first for HTML. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}

/**
 * Defence in depth: the method label should already be 'Visa ending 4242', but if a caller ever passes
 * something holding a full card or account number (a run of 9+ digits), only its last four are kept.
 */
function maskLongNumbers(label: string): string {
  return label.replace(/\d(?:[ -]?\d){8,}/g, (digits) => `****${digits.replace(/\D/g, '').slice(-4)}`);
}

/** One line for a header: no line breaks, no runs of spaces. */
function singleLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

export function receiptEmail(input: ReceiptEmailInput): RenderedEmail {
  const t = STRINGS[input.locale];
  const format = moneyFormat(NUMBER_LOCALE[input.locale]);
  const money = (cents: number) => format.format(cents / 100);
  const methodLabel = maskLongNumbers(input.methodLabel);
  const total = money(input.amountCents);

  const subject = singleLine(
    fill(t.subject, { org: input.organizationName, number: input.confirmationNumber }),
  );

  const details: [string, string][] = [
    [t.confirmationNumber, input.confirmationNumber],
    [t.datePaid, input.paidAt],
    [t.method, methodLabel],
  ];

  const text = [
    t.heading,
    '',
    fill(t.intro, { org: input.organizationName, amount: total }),
    '',
    ...details.map(([label, value]) => `${label}: ${value}`),
    '',
    `${t.billsCaption}:`,
    ...input.bills.map((bill) => `- ${bill.description} (${bill.number}): ${money(bill.amountCents)}`),
    `${t.total}: ${total}`,
    '',
    t.keep,
    fill(t.questions, { phone: input.supportPhone }),
    '',
  ].join('\n');

  const e = escapeHtml;
  const telHref = `tel:${input.supportPhone.replace(/[^\d+]/g, '')}`;
  const cell = 'padding:8px 12px 8px 0;border-bottom:1px solid #b1b4b6;text-align:left;vertical-align:top';
  const amountCell = `${cell};text-align:right;white-space:nowrap`;
  const caption = 'text-align:left;font-weight:bold;font-size:19px;padding:0 0 8px';
  const tableStyle = 'border-collapse:collapse;width:100%;max-width:560px;margin:0 0 24px';

  const html = `<!DOCTYPE html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:24px 16px;background:#ffffff;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">
<main style="max-width:600px">
<h1 style="font-size:28px;line-height:1.25;margin:0 0 16px">${e(t.heading)}</h1>
<p style="margin:0 0 24px">${fill(e(t.intro), { org: e(input.organizationName), amount: `<strong>${e(total)}</strong>` })}</p>
<table style="${tableStyle}">
<caption style="${caption}">${e(t.detailsCaption)}</caption>
<tbody>
${details.map(([label, value]) => `<tr><th scope="row" style="${cell}">${e(label)}</th><td style="${cell}">${e(value)}</td></tr>`).join('\n')}
</tbody>
</table>
<table style="${tableStyle}">
<caption style="${caption}">${e(t.billsCaption)}</caption>
<thead>
<tr><th scope="col" style="${cell}">${e(t.bill)}</th><th scope="col" style="${cell}">${e(t.billNumber)}</th><th scope="col" style="${amountCell}">${e(t.amount)}</th></tr>
</thead>
<tbody>
${input.bills.map((bill) => `<tr><td style="${cell}">${e(bill.description)}</td><td style="${cell}">${e(bill.number)}</td><td style="${amountCell}">${e(money(bill.amountCents))}</td></tr>`).join('\n')}
</tbody>
<tfoot>
<tr><th scope="row" colspan="2" style="${cell}">${e(t.total)}</th><td style="${amountCell};font-weight:bold">${e(total)}</td></tr>
</tfoot>
</table>
<p style="margin:0 0 8px">${e(t.keep)}</p>
<p style="margin:0">${fill(e(t.questions), { phone: `<a href="${e(telHref)}" style="color:#1d70b8">${e(input.supportPhone)}</a>` })}</p>
</main>
</body>
</html>
`;

  return { subject, text, html };
}

export interface RefundEmailInput {
  locale: 'en' | 'es';
  organizationName: string;
  /** The refunded payment's confirmation number. */
  confirmationNumber: string;
  amountCents: number;
  /** Back to the card or bank account it was paid with, or kept as a credit on the account. */
  destination: 'original_method' | 'account_credit';
  /** e.g. 'Visa ending 4242': where the money goes back to. */
  methodLabel: string;
  /** Already formatted for display in the region's time zone. */
  refundedAt: string;
  /** Bills that owe their share again (a refund to the original method). */
  bills: { description: string; number: string; amountCents: number }[];
  supportPhone: string;
}

const REFUND_STRINGS = {
  en: {
    subjectBack: 'Your refund from {org}: {amount}',
    subjectCredit: 'A credit of {amount} on your {org} account',
    headingBack: 'Refund on its way',
    headingCredit: 'Credit on your account',
    introBack: '{org} is refunding {amount} of your payment to your {method}.',
    introCredit: '{org} kept {amount} of your payment as a credit on your account.',
    whenBack: 'It can take 5 to 10 business days to show on your statement.',
    whenCredit: 'You can see your credit when you sign in.',
    detailsCaption: 'Refund details',
    confirmationNumber: 'Payment confirmation number',
    date: 'Date',
    refundedTo: 'Refunded to',
    creditLabel: 'Credit on your account',
    amount: 'Amount',
    billsCaption: 'Bills with this amount to pay again',
    bill: 'Bill',
    billNumber: 'Bill number',
    questions: 'Questions about this refund? Call {phone}.',
  },
  es: {
    subjectBack: 'Su reembolso de {org}: {amount}',
    subjectCredit: 'Un crédito de {amount} en su cuenta de {org}',
    headingBack: 'Su reembolso está en camino',
    headingCredit: 'Crédito en su cuenta',
    introBack: '{org} le reembolsa {amount} de su pago a su {method}.',
    introCredit: '{org} guardó {amount} de su pago como crédito en su cuenta.',
    whenBack: 'Puede tardar de 5 a 10 días hábiles en aparecer en su estado de cuenta.',
    whenCredit: 'Puede ver su crédito cuando inicie sesión.',
    detailsCaption: 'Detalles del reembolso',
    confirmationNumber: 'Número de confirmación del pago',
    date: 'Fecha',
    refundedTo: 'Reembolsado a',
    creditLabel: 'Crédito en su cuenta',
    amount: 'Monto',
    billsCaption: 'Facturas con este monto por pagar de nuevo',
    bill: 'Factura',
    billNumber: 'Número de factura',
    questions: '¿Tiene preguntas sobre este reembolso? Llame al {phone}.',
  },
} as const satisfies Record<RefundEmailInput['locale'], Record<string, string>>;

/** Tells the payer about a refund: where the money goes, and which bills owe it again. */
export function refundEmail(input: RefundEmailInput): RenderedEmail {
  const t = REFUND_STRINGS[input.locale];
  const format = moneyFormat(NUMBER_LOCALE[input.locale]);
  const money = (cents: number) => format.format(cents / 100);
  const back = input.destination === 'original_method';
  const methodLabel = maskLongNumbers(input.methodLabel);
  const amount = money(input.amountCents);
  const values = { org: input.organizationName, amount, method: methodLabel };
  const subject = singleLine(fill(back ? t.subjectBack : t.subjectCredit, values));
  const heading = back ? t.headingBack : t.headingCredit;
  const intro = back ? t.introBack : t.introCredit;
  const when = back ? t.whenBack : t.whenCredit;
  const details: [string, string][] = [
    [t.confirmationNumber, input.confirmationNumber],
    [t.date, input.refundedAt],
    [t.amount, amount],
    [t.refundedTo, back ? methodLabel : t.creditLabel],
  ];
  const bills = back ? input.bills : [];

  const text = [
    heading,
    '',
    fill(intro, values),
    when,
    '',
    ...details.map(([label, value]) => `${label}: ${value}`),
    '',
    ...(bills.length > 0
      ? [
          `${t.billsCaption}:`,
          ...bills.map((bill) => `- ${bill.description} (${bill.number}): ${money(bill.amountCents)}`),
          '',
        ]
      : []),
    fill(t.questions, { phone: input.supportPhone }),
    '',
  ].join('\n');

  const e = escapeHtml;
  const telHref = `tel:${input.supportPhone.replace(/[^\d+]/g, '')}`;
  const cell = 'padding:8px 12px 8px 0;border-bottom:1px solid #b1b4b6;text-align:left;vertical-align:top';
  const amountCell = `${cell};text-align:right;white-space:nowrap`;
  const caption = 'text-align:left;font-weight:bold;font-size:19px;padding:0 0 8px';
  const tableStyle = 'border-collapse:collapse;width:100%;max-width:560px;margin:0 0 24px';
  const escaped = {
    org: e(input.organizationName),
    amount: `<strong>${e(amount)}</strong>`,
    method: e(methodLabel),
  };
  const billsTable =
    bills.length === 0
      ? ''
      : `<table style="${tableStyle}">
<caption style="${caption}">${e(t.billsCaption)}</caption>
<thead>
<tr><th scope="col" style="${cell}">${e(t.bill)}</th><th scope="col" style="${cell}">${e(t.billNumber)}</th><th scope="col" style="${amountCell}">${e(t.amount)}</th></tr>
</thead>
<tbody>
${bills.map((bill) => `<tr><td style="${cell}">${e(bill.description)}</td><td style="${cell}">${e(bill.number)}</td><td style="${amountCell}">${e(money(bill.amountCents))}</td></tr>`).join('\n')}
</tbody>
</table>
`;

  const html = `<!DOCTYPE html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:24px 16px;background:#ffffff;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">
<main style="max-width:600px">
<h1 style="font-size:28px;line-height:1.25;margin:0 0 16px">${e(heading)}</h1>
<p style="margin:0 0 8px">${fill(e(intro), escaped)}</p>
<p style="margin:0 0 24px">${e(when)}</p>
<table style="${tableStyle}">
<caption style="${caption}">${e(t.detailsCaption)}</caption>
<tbody>
${details.map(([label, value]) => `<tr><th scope="row" style="${cell}">${e(label)}</th><td style="${cell}">${e(value)}</td></tr>`).join('\n')}
</tbody>
</table>
${billsTable}<p style="margin:0">${fill(e(t.questions), { phone: `<a href="${e(telHref)}" style="color:#1d70b8">${e(input.supportPhone)}</a>` })}</p>
</main>
</body>
</html>
`;

  return { subject, text, html };
}
