/**
 * What the receipt and the bill PDFs share: the standard font's drawable characters, the page's
 * inks, and the organization's accent colour made readable on white.
 */

export const FONT = 'Helvetica';
export const FONT_BOLD = 'Helvetica-Bold';
export const INK = '#1a1a1a';
export const MUTED = '#505a5f';
export const RULE = '#b1b4b6';

export type Rgb = [number, number, number];

// Characters WinAnsiEncoding has beyond Latin-1; the standard 14 fonts can only draw these plus Latin-1.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * The standard Helvetica font only has WinAnsi glyphs. Spanish accents are in that set; narrow and thin
 * spaces (which Intl date formatting emits before "PM") and other symbols are not, so map them to
 * something drawable rather than let pdfkit print a wrong glyph.
 */
export function drawable(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0;
    if (/\s/u.test(ch)) out += ' ';
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa1 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch))
      out += ch;
    else if (ch === '‐' || ch === '‑' || ch === '−') out += '-';
    else out += '?';
  }
  return out;
}

function parseHex(color: string): Rgb {
  const match = /^#?([0-9a-f]{6})$/i.exec(color.trim());
  const hex = match?.[1] ?? '1d70b8';
  return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

export function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The brand colour, darkened if needed so text in it keeps at least 4.5:1 contrast on white. */
export function readableAccent(color: string): Rgb {
  let rgb = parseHex(color);
  for (let i = 0; i < 20 && 1.05 / (luminance(rgb) + 0.05) < 4.5; i++) {
    rgb = rgb.map((c) => c * 0.9) as Rgb;
  }
  return rgb;
}

export function tint(rgb: Rgb, amount: number): string {
  return toHex(rgb.map((c) => c + (255 - c) * amount) as Rgb);
}

const FOOTER_SIZE = 10;
const FOOTER_LINE_GAP = 2;
/** Distance from the bottom edge of the page to the last footer line. */
const FOOTER_BOTTOM = 40;
const FOOTER_LINE_HEIGHT = FOOTER_SIZE * 1.16 + FOOTER_LINE_GAP;

/**
 * The footer every page repeats: the organization's name (with "page n of N" when there are several)
 * and its contact lines. Its lines do not wrap, so its height is known before the document exists and
 * the body's bottom margin can leave room for it.
 */
export interface PageFooter {
  organizationName: string;
  lines: string[];
}

function footerHeight(footer: PageFooter): number {
  return FOOTER_LINE_HEIGHT * (footer.lines.length + 1);
}

/** The body's bottom margin: at least `minimum`, and clear of the footer. */
export function bodyBottomMargin(footer: PageFooter, minimum: number): number {
  return Math.max(minimum, FOOTER_BOTTOM + footerHeight(footer) + 30);
}

/** Draws the footer on every buffered page; call it last, before `doc.end()`. */
export function drawFooters(
  doc: PDFKit.PDFDocument,
  footer: PageFooter,
  layout: { left: number; width: number; pageLabel: (n: number, total: number) => string },
): void {
  const { left, width } = layout;
  const pages = doc.bufferedPageRange();
  for (let index = pages.start; index < pages.start + pages.count; index++) {
    doc.switchToPage(index);
    // Writing inside the bottom margin would make pdfkit start a new page; lift the margin while drawing.
    const savedBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const footerTop = doc.page.height - FOOTER_BOTTOM - footerHeight(footer);
    doc
      .save()
      .moveTo(left, footerTop - 12)
      .lineTo(left + width, footerTop - 12)
      .lineWidth(0.75)
      .strokeColor(RULE)
      .stroke()
      .restore();
    const line = { width, lineGap: FOOTER_LINE_GAP, lineBreak: false } as const;
    doc
      .font(FONT_BOLD)
      .fontSize(FOOTER_SIZE)
      .fillColor(INK)
      .text(footer.organizationName, left, footerTop, line);
    if (pages.count > 1) {
      doc
        .font(FONT)
        .fillColor(MUTED)
        .text(layout.pageLabel(index + 1, pages.count), left, footerTop, { ...line, align: 'right' });
    }
    doc.font(FONT).fillColor(MUTED);
    footer.lines.forEach((text, i) => {
      doc.text(text, left, footerTop + FOOTER_LINE_HEIGHT * (i + 1), line);
    });
    doc.page.margins.bottom = savedBottom;
  }
}
