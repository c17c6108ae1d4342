import PDFDocument from 'pdfkit';
import { formatReceiptMoney } from './receipt';
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

export interface BillDocument {
  locale: 'en' | 'es';
  organization: { name: string; addressLines: string[]; phone: string; accentColor: string };
  kind: 'hospital' | 'professional' | 'premium';
  /** e.g. 'Hospital bill' / 'Factura del hospital' — already localized by the caller. */
  kindLabel: string;
  number: string;
  /** Masked, e.g. 'Account •••• 1234'. */
  accountLabel: string;
  patientName: string;
  provider: string | null;
  facility: string | null;
  /** ISO yyyy-mm-dd or null */
  visitDate: string | null;
  coverageStart: string | null;
  coverageEnd: string | null;
  statementDate: string;
  dueDate: string;
  lines: {
    description: string;
    serviceDate: string | null;
    code: string | null;
    chargeCents: number;
    insurancePaidCents: number;
    adjustmentCents: number;
    youOweCents: number;
  }[];
  /** Payments and credits applied to this bill so far. */
  payments: { date: string; label: string; amountCents: number }[];
  amountCents: number;
  balanceCents: number;
  status: 'open' | 'paid' | 'void';
}

const STRINGS = {
  en: {
    amountYouOwe: 'Amount you owe',
    dueBy: 'Due by {date}',
    paidInFull: 'Paid in full',
    nothingDue: 'You do not owe anything on this bill.',
    credit: 'You have a credit of {amount}.',
    void: 'Void',
    voidNote: 'This bill was canceled. You do not need to pay it.',
    account: 'Account',
    patient: 'Patient',
    member: 'Member',
    provider: 'Provider',
    facility: 'Facility',
    visitDate: 'Visit date',
    coveragePeriod: 'Coverage period',
    from: 'From {date}',
    through: 'Through {date}',
    statementDate: 'Statement date',
    services: 'Services',
    charges: 'Charges',
    date: 'Date',
    service: 'Service',
    description: 'Description',
    code: 'Code {code}',
    charge: 'Charge',
    insurancePaid: 'Your insurance paid',
    adjustment: 'Adjustment (discount your plan negotiated)',
    youOwe: 'You owe',
    total: 'Total',
    payments: 'Payments and credits applied',
    payment: 'Payment or credit',
    amount: 'Amount',
    billTotal: 'Bill total',
    howToPay: 'How to pay:',
    howToPayText: 'Pay online by signing in to your account, or call {phone}.',
    questions: 'Questions about this bill? Call {phone}.',
    continued: '{title} (continued)',
    page: 'Page {n} of {total}',
  },
  es: {
    amountYouOwe: 'Total a pagar',
    dueBy: 'Vence el {date}',
    paidInFull: 'Pagada',
    nothingDue: 'No debe nada por esta factura.',
    credit: 'Tiene un crédito de {amount}.',
    void: 'Anulada',
    voidNote: 'Esta factura fue cancelada. No tiene que pagarla.',
    account: 'Cuenta',
    patient: 'Paciente',
    member: 'Miembro',
    provider: 'Proveedor',
    facility: 'Centro médico',
    visitDate: 'Fecha de la visita',
    coveragePeriod: 'Período de cobertura',
    from: 'Desde el {date}',
    through: 'Hasta el {date}',
    statementDate: 'Fecha del estado de cuenta',
    services: 'Servicios',
    charges: 'Cargos',
    date: 'Fecha',
    service: 'Servicio',
    description: 'Descripción',
    code: 'Código {code}',
    charge: 'Cargo',
    insurancePaid: 'Su seguro pagó',
    adjustment: 'Ajuste (descuento negociado por su plan)',
    youOwe: 'Usted debe',
    total: 'Total',
    payments: 'Pagos y créditos aplicados',
    payment: 'Pago o crédito',
    amount: 'Monto',
    billTotal: 'Total de la factura',
    howToPay: 'Cómo pagar:',
    howToPayText: 'Pague en línea iniciando sesión en su cuenta, o llame al {phone}.',
    questions: '¿Tiene preguntas sobre esta factura? Llame al {phone}.',
    continued: '{title} (continuación)',
    page: 'Página {n} de {total}',
  },
} as const satisfies Record<BillDocument['locale'], Record<string, string>>;

const DATE_LOCALE = { en: 'en-US', es: 'es-US' } as const;

const MARGIN = 72;
const TOP_MARGIN = 54;
/** Narrower side margins than the receipt: the services table has six columns. */
const SIDE_MARGIN = 54;
const TABLE_SIZE = 10;

/**
 * Formats an ISO yyyy-mm-dd date for people, e.g. 'December 10, 2026' / '10 de diciembre de 2026'.
 * The date is built at UTC midnight and formatted in UTC, so it never shifts a day with the server's zone.
 */
export function formatBillDate(
  iso: string,
  locale: BillDocument['locale'],
  month: 'long' | 'short' = 'long',
): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  if (!match) return iso;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(DATE_LOCALE[locale], {
    year: 'numeric',
    month,
    day: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/**
 * The caller masks the account number; as a safety net, any run of 8 or more digits that still reaches the
 * label (a full account number passed by mistake) is reduced to its last four.
 */
function maskAccountLabel(label: string): string {
  return label.replace(/\d[\d -]*\d/g, (run) => {
    const digits = run.replace(/\D/g, '');
    return digits.length >= 8 ? `•••• ${digits.slice(-4)}` : run;
  });
}

interface Column {
  x: number;
  width: number;
  align: 'left' | 'right';
}

export async function renderBillPdf(bill: BillDocument): Promise<Buffer> {
  const t = STRINGS[bill.locale];
  const money = (cents: number) => formatReceiptMoney(cents, bill.locale);
  const longDate = (iso: string) => drawable(formatBillDate(iso, bill.locale));
  const shortDate = (iso: string) => drawable(formatBillDate(iso, bill.locale, 'short'));
  const accentRgb = readableAccent(bill.organization.accentColor);
  const accent = toHex(accentRgb);
  const orgName = drawable(bill.organization.name);
  const phone = drawable(bill.organization.phone);
  const title = drawable(`${bill.kindLabel} ${bill.number}`);
  const isPremium = bill.kind === 'premium';

  // The contact footer repeats on every page; the body's bottom margin leaves room for it.
  const footer: PageFooter = {
    organizationName: orgName,
    lines: [t.questions.replace('{phone}', phone), ...bill.organization.addressLines.map(drawable)],
  };
  const bottomMargin = bodyBottomMargin(footer, MARGIN);

  const doc = new PDFDocument({
    size: 'LETTER',
    bufferPages: true,
    margins: { top: TOP_MARGIN, bottom: bottomMargin, left: SIDE_MARGIN, right: SIDE_MARGIN },
    lang: bill.locale === 'es' ? 'es-US' : 'en-US',
    displayTitle: true,
    info: { Title: title, Author: orgName, Subject: drawable(bill.kindLabel) },
  });

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = SIDE_MARGIN;
  const width = doc.page.width - SIDE_MARGIN * 2;
  const right = left + width;
  const bottom = () => doc.page.height - bottomMargin;

  const rule = (y: number, color = RULE, lineWidth = 0.75) => {
    doc.save().moveTo(left, y).lineTo(right, y).lineWidth(lineWidth).strokeColor(color).stroke().restore();
  };

  /** Continuation pages say which bill they belong to. */
  const newPage = () => {
    doc.addPage();
    doc
      .font(FONT)
      .fontSize(10)
      .fillColor(MUTED)
      .text(t.continued.replace('{title}', title), left, TOP_MARGIN - 24, { width, lineBreak: false });
    doc.y = TOP_MARGIN;
  };

  /** Starts a new page when the next block would not fit, so no row is split across pages. */
  const ensureSpace = (height: number) => {
    if (doc.y + height > bottom()) newPage();
  };

  const sectionHeading = (text: string, following: number) => {
    ensureSpace(doc.font(FONT_BOLD).fontSize(14).heightOfString(text, { width }) + 6 + following);
    // newPage() changes the font, so set it again.
    doc.font(FONT_BOLD).fontSize(14).fillColor(INK).text(text, left, doc.y, { width });
    doc.y += 6;
  };

  // Header: organization name in the brand colour, with an accent rule under it.
  doc.font(FONT_BOLD).fontSize(18).fillColor(accent).text(orgName, left, TOP_MARGIN, { width });
  doc.moveDown(0.4);
  rule(doc.y, accent, 2);
  doc.y += 20;

  // Title: what the document is and its number.
  doc.font(FONT_BOLD).fontSize(22).fillColor(INK).text(title, left, doc.y, { width });
  doc.y += 16;

  // Balance panel: light tint of the accent, with a solid accent bar on the left. The amount owed and the
  // due date are the largest text on the page.
  const paid = bill.status !== 'void' && (bill.status === 'paid' || bill.balanceCents <= 0);
  const panelLines: { text: string; font: string; size: number; color: string; gap: number }[] = [];
  if (bill.status === 'void') {
    panelLines.push({ text: t.void, font: FONT_BOLD, size: 28, color: INK, gap: 6 });
    panelLines.push({ text: t.voidNote, font: FONT, size: 12, color: INK, gap: 0 });
  } else if (paid) {
    panelLines.push({ text: t.paidInFull, font: FONT_BOLD, size: 28, color: INK, gap: 6 });
    panelLines.push({
      text: bill.balanceCents < 0 ? t.credit.replace('{amount}', money(-bill.balanceCents)) : t.nothingDue,
      font: FONT,
      size: 12,
      color: INK,
      gap: 0,
    });
  } else {
    panelLines.push({ text: t.amountYouOwe, font: FONT, size: 12, color: MUTED, gap: 4 });
    panelLines.push({ text: money(bill.balanceCents), font: FONT_BOLD, size: 32, color: INK, gap: 6 });
    panelLines.push({
      text: t.dueBy.replace('{date}', longDate(bill.dueDate)),
      font: FONT_BOLD,
      size: 18,
      color: INK,
      gap: 0,
    });
  }
  const panelPad = 16;
  const panelTextX = left + 22;
  const panelTextWidth = width - 44;
  const panelHeight =
    panelPad * 2 +
    panelLines.reduce(
      (sum, line) =>
        sum +
        doc.font(line.font).fontSize(line.size).heightOfString(line.text, { width: panelTextWidth }) +
        line.gap,
      0,
    );
  const panelTop = doc.y;
  doc.save().rect(left, panelTop, width, panelHeight).fill(tint(accentRgb, 0.9)).restore();
  doc.save().rect(left, panelTop, 5, panelHeight).fill(accent).restore();
  let panelY = panelTop + panelPad;
  for (const line of panelLines) {
    doc.font(line.font).fontSize(line.size).fillColor(line.color);
    doc.text(line.text, panelTextX, panelY, { width: panelTextWidth });
    panelY += doc.heightOfString(line.text, { width: panelTextWidth }) + line.gap;
  }
  doc.y = panelTop + panelHeight + 22;

  // Details, laid out as a grid of three columns with the label above its value, to keep the first page for the bill.
  const detailGap = 16;
  const detailWidth = (width - detailGap * 2) / 3;
  const detailSize = 11.5;
  const period = (start: string, end: string) => {
    const oneLine = `${longDate(start)} – ${longDate(end)}`;
    // A period too long for its cell breaks after the dash rather than inside a date.
    return doc.font(FONT).fontSize(detailSize).widthOfString(oneLine) > detailWidth
      ? `${longDate(start)} –\n${longDate(end)}`
      : oneLine;
  };
  const coverage =
    bill.coverageStart && bill.coverageEnd
      ? period(bill.coverageStart, bill.coverageEnd)
      : bill.coverageStart
        ? t.from.replace('{date}', longDate(bill.coverageStart))
        : bill.coverageEnd
          ? t.through.replace('{date}', longDate(bill.coverageEnd))
          : null;
  const details: [string, string | null][] = [
    [t.account, maskAccountLabel(bill.accountLabel)],
    [isPremium ? t.member : t.patient, bill.patientName],
    [t.provider, bill.provider],
    [t.facility, bill.facility],
    bill.visitDate ? [t.visitDate, longDate(bill.visitDate)] : [t.coveragePeriod, coverage],
    [t.statementDate, longDate(bill.statementDate)],
  ];
  const filled = details.flatMap(([label, raw]) =>
    raw ? [[label, raw.split('\n').map(drawable).join('\n')] as const] : [],
  );
  for (let start = 0; start < filled.length; start += 3) {
    const cells = filled.slice(start, start + 3);
    const heights = cells.map(
      ([label, value]) =>
        doc.font(FONT).fontSize(10).heightOfString(label, { width: detailWidth }) +
        2 +
        doc.font(FONT).fontSize(detailSize).heightOfString(value, { width: detailWidth }),
    );
    const rowHeight = Math.max(...heights);
    ensureSpace(rowHeight + 10);
    const y = doc.y;
    cells.forEach(([label, value], i) => {
      const x = left + i * (detailWidth + detailGap);
      doc.font(FONT).fontSize(10).fillColor(MUTED).text(label, x, y, { width: detailWidth });
      const valueY = y + doc.heightOfString(label, { width: detailWidth }) + 2;
      doc.font(FONT).fontSize(detailSize).fillColor(INK).text(value, x, valueY, { width: detailWidth });
    });
    doc.y = y + rowHeight + 10;
  }
  doc.y += 20;

  // Services table. A premium invoice has no insurance payments or negotiated discounts, so those columns
  // (and the charge column, when it equals what is owed) are left out unless a line uses them.
  const showInsurance =
    !isPremium || bill.lines.some((line) => line.insurancePaidCents !== 0 || line.adjustmentCents !== 0);
  const showCharge = showInsurance || bill.lines.some((line) => line.chargeCents !== line.youOweCents);
  const gap = 8;
  // Premium lines usually have no service date; then the date column is left out too.
  const showDate = bill.lines.some((line) => line.serviceDate);
  const dateWidth = showDate ? 62 : -gap;
  const amountWidth = 62;
  const amountKeys: ('chargeCents' | 'insurancePaidCents' | 'adjustmentCents' | 'youOweCents')[] = [
    ...(showCharge ? (['chargeCents'] as const) : []),
    ...(showInsurance ? (['insurancePaidCents', 'adjustmentCents'] as const) : []),
    'youOweCents',
  ];
  const amountLabels = {
    chargeCents: t.charge,
    insurancePaidCents: t.insurancePaid,
    adjustmentCents: t.adjustment,
    youOweCents: t.youOwe,
  };
  const descWidth = width - dateWidth - amountKeys.length * (amountWidth + gap) - gap;
  const columns: Column[] = [
    ...(showDate ? [{ x: left, width: dateWidth, align: 'left' } as const] : []),
    { x: left + dateWidth + gap, width: descWidth, align: 'left' },
    ...amountKeys.map(
      (_, i): Column => ({
        x: right - (amountKeys.length - i) * amountWidth - (amountKeys.length - 1 - i) * gap,
        width: amountWidth,
        align: 'right',
      }),
    ),
  ];
  const cellPad = 6;

  /** A cell is one or more lines of text, each with its own font, size and colour. */
  type Cell = { text: string; font?: string; size?: number; color?: string }[];
  const cellHeight = (cell: Cell, column: Column, font: string) =>
    cell.reduce(
      (sum, part) =>
        sum +
        doc
          .font(part.font ?? font)
          .fontSize(part.size ?? TABLE_SIZE)
          .heightOfString(part.text, { width: column.width }),
      0,
    );
  const rowHeight = (cells: Cell[], cols: Column[], font: string) =>
    Math.max(...cells.map((cell, i) => cellHeight(cell, cols[i]!, font))) + cellPad * 2;
  const row = (cells: Cell[], cols: Column[], font: string, color: string) => {
    const height = rowHeight(cells, cols, font);
    const top = doc.y + cellPad;
    cells.forEach((cell, i) => {
      const column = cols[i]!;
      let y = top;
      for (const part of cell) {
        doc
          .font(part.font ?? font)
          .fontSize(part.size ?? TABLE_SIZE)
          .fillColor(part.color ?? color);
        doc.text(part.text, column.x, y, { width: column.width, align: column.align });
        y += doc.heightOfString(part.text, { width: column.width });
      }
    });
    doc.y = top - cellPad + height;
  };
  const plain = (text: string): Cell => [{ text }];
  const withDate = (date: Cell, rest: Cell[]) => (showDate ? [date, ...rest] : rest);

  const headerCell = (text: string): Cell => [{ text, size: TABLE_SIZE - 1 }];
  const serviceHeader = withDate(headerCell(t.date), [
    headerCell(isPremium ? t.description : t.service),
    ...amountKeys.map((key) => headerCell(amountLabels[key])),
  ]);
  const tableHeader = () => {
    row(serviceHeader, columns, FONT_BOLD, MUTED);
    rule(doc.y, INK, 1);
  };
  const lineCells = bill.lines.map((line): Cell[] =>
    withDate(plain(line.serviceDate ? shortDate(line.serviceDate) : ''), [
      [
        { text: drawable(line.description) },
        ...(line.code
          ? [{ text: t.code.replace('{code}', drawable(line.code)), size: TABLE_SIZE - 1, color: MUTED }]
          : []),
      ],
      ...amountKeys.map((key) => plain(money(line[key]))),
    ]),
  );

  sectionHeading(
    isPremium ? t.charges : t.services,
    rowHeight(serviceHeader, columns, FONT_BOLD) +
      (lineCells[0] ? rowHeight(lineCells[0], columns, FONT) : 0),
  );
  tableHeader();
  for (const cells of lineCells) {
    // A long list continues on the next page under a repeated column header.
    if (doc.y + rowHeight(cells, columns, FONT) > bottom()) {
      newPage();
      tableHeader();
    }
    row(cells, columns, FONT, INK);
    rule(doc.y);
  }
  const totalCells = withDate(plain(''), [
    plain(t.total),
    ...amountKeys.map((key) => plain(money(bill.lines.reduce((sum, line) => sum + line[key], 0)))),
  ]);
  if (doc.y + rowHeight(totalCells, columns, FONT_BOLD) + 4 > bottom()) {
    newPage();
    tableHeader();
  }
  doc.y += 2;
  row(totalCells, columns, FONT_BOLD, INK);
  rule(doc.y, INK, 1.5);
  doc.y += 26;

  // Payments and credits already applied, then what is left to pay.
  if (bill.payments.length > 0) {
    const payColumns: Column[] = [
      { x: left, width: 110, align: 'left' },
      { x: left + 110 + gap, width: width - 110 - amountWidth - 2 * gap - 40, align: 'left' },
      { x: right - amountWidth - 40, width: amountWidth + 40, align: 'right' },
    ];
    const payHeader = [headerCell(t.date), headerCell(t.payment), headerCell(t.amount)];
    const payRows = bill.payments.map((payment) => [
      plain(shortDate(payment.date)),
      plain(drawable(payment.label)),
      plain(money(-payment.amountCents)),
    ]);
    const payTableHeader = () => {
      row(payHeader, payColumns, FONT_BOLD, MUTED);
      rule(doc.y, INK, 1);
    };
    const rows = [[plain(''), plain(t.billTotal), plain(money(bill.amountCents))], ...payRows];
    const balanceCells = [plain(''), plain(t.amountYouOwe), plain(money(bill.balanceCents))];
    // Keep the whole block on one page when it fits on one, so the arithmetic reads in one place.
    const headerHeight = rowHeight(payHeader, payColumns, FONT_BOLD);
    const blockHeight =
      doc.font(FONT_BOLD).fontSize(14).heightOfString(t.payments, { width }) +
      6 +
      headerHeight +
      rows.reduce((sum, cells) => sum + rowHeight(cells, payColumns, FONT), 0) +
      rowHeight(balanceCells, payColumns, FONT_BOLD) +
      4;
    if (blockHeight <= bottom() - TOP_MARGIN) ensureSpace(blockHeight);
    sectionHeading(t.payments, headerHeight + rowHeight(rows[0]!, payColumns, FONT));
    payTableHeader();
    for (const cells of rows) {
      if (doc.y + rowHeight(cells, payColumns, FONT) > bottom()) {
        newPage();
        payTableHeader();
      }
      row(cells, payColumns, FONT, INK);
      rule(doc.y);
    }
    if (doc.y + rowHeight(balanceCells, payColumns, FONT_BOLD) + 4 > bottom()) {
      newPage();
      payTableHeader();
    }
    doc.y += 2;
    row(balanceCells, payColumns, FONT_BOLD, INK);
    rule(doc.y, INK, 1.5);
    doc.y += 26;
  }

  // How to pay: only when something is owed.
  if (bill.status === 'open' && bill.balanceCents > 0) {
    const howText = t.howToPayText.replace('{phone}', phone);
    doc.font(FONT).fontSize(12);
    ensureSpace(doc.heightOfString(`${t.howToPay} ${howText}`, { width }) + 4);
    doc
      .font(FONT_BOLD)
      .fillColor(INK)
      .text(`${t.howToPay} `, left, doc.y, { width, continued: true })
      .font(FONT)
      .text(howText);
  }

  drawFooters(doc, footer, {
    left,
    width,
    pageLabel: (n, total) => t.page.replace('{n}', String(n)).replace('{total}', String(total)),
  });

  doc.end();
  return done;
}
