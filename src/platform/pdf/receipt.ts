import PDFDocument from 'pdfkit';
import {
  bodyBottomMargin,
  drawable,
  drawFooters,
  FONT,
  FONT_BOLD,
  INK,
  MUTED,
  type PageFooter,
  RULE,
  readableAccent,
  tint,
  toHex,
} from './style';

export interface ReceiptDocument {
  locale: 'en' | 'es';
  organization: { name: string; addressLines: string[]; phone: string; accentColor: string };
  /** Crockford base32 confirmation number, e.g. 'K7Q2M-9XH4P-T'. */
  confirmationNumber: string;
  /** Already formatted for display in the region's time zone. */
  paidAt: string;
  /** Integer cents. */
  amountCents: number;
  /** e.g. 'Visa ending 4242'; never a full card or account number. */
  method: { label: string };
  payerName?: string;
  /** Masked, e.g. 'Account •••• 1234'. */
  accountLabel: string;
  bills: { description: string; number: string; amountCents: number }[];
  /** e.g. 'Payment received'. */
  status: string;
}

const STRINGS = {
  en: {
    title: 'Payment receipt',
    confirmationNumber: 'Confirmation number',
    status: 'Status',
    datePaid: 'Date paid',
    method: 'Payment method',
    paidBy: 'Paid by',
    account: 'Account',
    bill: 'Bill',
    billNumber: 'Bill number',
    amount: 'Amount',
    total: 'Total paid',
    keep: 'Keep this receipt for your records.',
    questions: 'Questions about this payment? Call {phone}.',
    page: 'Page {n} of {total}',
  },
  es: {
    title: 'Recibo de pago',
    confirmationNumber: 'Número de confirmación',
    status: 'Estado',
    datePaid: 'Fecha de pago',
    method: 'Método de pago',
    paidBy: 'Pagado por',
    account: 'Cuenta',
    bill: 'Factura',
    billNumber: 'Número de factura',
    amount: 'Monto',
    total: 'Total pagado',
    keep: 'Guarde este recibo para sus registros.',
    questions: '¿Tiene preguntas sobre este pago? Llame al {phone}.',
    page: 'Página {n} de {total}',
  },
} as const satisfies Record<ReceiptDocument['locale'], Record<string, string>>;

const NUMBER_LOCALE = { en: 'en-US', es: 'es-US' } as const;

const MARGIN = 72;

/** Formats integer cents as US dollars, e.g. 12000 → '$120.00'. */
export function formatReceiptMoney(amountCents: number, locale: ReceiptDocument['locale']): string {
  return new Intl.NumberFormat(NUMBER_LOCALE[locale], { style: 'currency', currency: 'USD' }).format(
    amountCents / 100,
  );
}

export async function renderReceiptPdf(receipt: ReceiptDocument): Promise<Buffer> {
  const t = STRINGS[receipt.locale];
  const money = (cents: number) => formatReceiptMoney(cents, receipt.locale);
  const accentRgb = readableAccent(receipt.organization.accentColor);
  const accent = toHex(accentRgb);
  const orgName = drawable(receipt.organization.name);

  // The contact footer repeats on every page; the body's bottom margin leaves room for it.
  const footer: PageFooter = {
    organizationName: orgName,
    lines: [
      t.questions.replace('{phone}', drawable(receipt.organization.phone)),
      ...receipt.organization.addressLines.map(drawable),
    ],
  };
  const bottomMargin = bodyBottomMargin(footer, MARGIN);

  const doc = new PDFDocument({
    size: 'LETTER',
    bufferPages: true,
    margins: { top: MARGIN, bottom: bottomMargin, left: MARGIN, right: MARGIN },
    lang: receipt.locale === 'es' ? 'es-US' : 'en-US',
    displayTitle: true,
    info: {
      Title: drawable(`${t.title} ${receipt.confirmationNumber}`),
      Author: orgName,
      Subject: t.title,
    },
  });

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = MARGIN;
  const width = doc.page.width - MARGIN * 2;
  const right = left + width;
  const bottom = () => doc.page.height - bottomMargin;

  /** Starts a new page when the next block would not fit, so no row is split across pages. */
  const ensureSpace = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  const rule = (y: number, color = RULE, lineWidth = 0.75) => {
    doc.save().moveTo(left, y).lineTo(right, y).lineWidth(lineWidth).strokeColor(color).stroke().restore();
  };

  // Header: organization name in the brand colour, with an accent rule under it.
  doc.font(FONT_BOLD).fontSize(18).fillColor(accent).text(orgName, left, MARGIN, { width });
  doc.moveDown(0.4);
  rule(doc.y, accent, 2);
  doc.y += 22;

  // Title and status.
  doc.font(FONT_BOLD).fontSize(24).fillColor(INK).text(t.title, left, doc.y, { width });
  doc.moveDown(0.2);
  doc.font(FONT).fontSize(12).fillColor(MUTED).text(drawable(receipt.status), left, doc.y, { width });
  doc.y += 18;

  // Confirmation number panel: light tint of the accent, with a solid accent bar on the left.
  const panelTop = doc.y;
  const panelHeight = 74;
  doc.save().rect(left, panelTop, width, panelHeight).fill(tint(accentRgb, 0.9)).restore();
  doc.save().rect(left, panelTop, 5, panelHeight).fill(accent).restore();
  doc
    .font(FONT)
    .fontSize(11)
    .fillColor(MUTED)
    .text(t.confirmationNumber, left + 22, panelTop + 14, { width: width - 44 });
  doc
    .font(FONT_BOLD)
    .fontSize(26)
    .fillColor(INK)
    .text(drawable(receipt.confirmationNumber), left + 22, panelTop + 32, {
      width: width - 44,
      characterSpacing: 1,
    });
  doc.y = panelTop + panelHeight + 26;

  // Payment details as label/value pairs.
  const labelWidth = 150;
  const details: [string, string][] = [
    [t.datePaid, receipt.paidAt],
    [t.method, receipt.method.label],
    ...(receipt.payerName ? ([[t.paidBy, receipt.payerName]] as [string, string][]) : []),
    [t.account, receipt.accountLabel],
  ];
  for (const [label, raw] of details) {
    const value = drawable(raw);
    doc.font(FONT_BOLD).fontSize(11.5);
    const rowHeight = Math.max(
      doc.heightOfString(label, { width: labelWidth - 12 }),
      doc.font(FONT).heightOfString(value, { width: width - labelWidth }),
    );
    ensureSpace(rowHeight + 8);
    const y = doc.y;
    doc
      .font(FONT_BOLD)
      .fillColor(MUTED)
      .text(label, left, y, { width: labelWidth - 12 });
    doc
      .font(FONT)
      .fillColor(INK)
      .text(value, left + labelWidth, y, { width: width - labelWidth });
    doc.y = y + rowHeight + 8;
  }
  doc.y += 18;

  // Bills table: description, bill number, amount (right-aligned).
  const amountWidth = 120;
  const numberWidth = 140;
  const gap = 16;
  const descWidth = width - amountWidth - numberWidth - gap * 2;
  const numberX = left + descWidth + gap;
  const amountX = right - amountWidth;
  const cellPad = 7;

  const rowHeight = (cells: [string, string, string], font: string) => {
    doc.font(font).fontSize(11.5);
    return (
      Math.max(
        doc.heightOfString(cells[0], { width: descWidth }),
        doc.heightOfString(cells[1], { width: numberWidth }),
        doc.heightOfString(cells[2], { width: amountWidth }),
      ) +
      cellPad * 2
    );
  };
  const row = (cells: [string, string, string], font: string, color: string) => {
    const height = rowHeight(cells, font);
    const y = doc.y + cellPad;
    doc.font(font).fontSize(11.5).fillColor(color);
    doc.text(cells[0], left, y, { width: descWidth });
    doc.text(cells[1], numberX, y, { width: numberWidth });
    doc.text(cells[2], amountX, y, { width: amountWidth, align: 'right' });
    doc.y = y - cellPad + height;
  };
  const header = () => {
    row([t.bill, t.billNumber, t.amount], FONT_BOLD, MUTED);
    rule(doc.y, INK, 1);
  };

  ensureSpace(120);
  header();
  for (const bill of receipt.bills) {
    const cells: [string, string, string] = [
      drawable(bill.description),
      drawable(bill.number),
      money(bill.amountCents),
    ];
    // A long list continues on the next page under a repeated column header.
    if (doc.y + rowHeight(cells, FONT) > bottom()) {
      doc.addPage();
      header();
    }
    row(cells, FONT, INK);
    rule(doc.y);
  }

  // Total: larger, bold, in the amount column so the figures line up.
  ensureSpace(40);
  const totalY = doc.y + 10;
  doc.font(FONT_BOLD).fontSize(14).fillColor(INK);
  doc.text(t.total, left, totalY, { width: descWidth + gap + numberWidth });
  doc.text(money(receipt.amountCents), amountX, totalY, { width: amountWidth, align: 'right' });
  doc.y = totalY + doc.currentLineHeight(true) + 8;
  rule(doc.y, INK, 1.5);
  doc.y += 26;

  // Records note.
  ensureSpace(30);
  doc.font(FONT).fontSize(12).fillColor(INK).text(t.keep, left, doc.y, { width });

  drawFooters(doc, footer, {
    left,
    width,
    pageLabel: (n, total) => t.page.replace('{n}', String(n)).replace('{total}', String(total)),
  });

  doc.end();
  return done;
}
