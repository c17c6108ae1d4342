/** Relative luminance (WCAG 2.x) of a '#rrggbb' colour. */
function luminance(hex: string): number | null {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return null;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => {
    const c = Number.parseInt(h ?? '0', 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: number, b: number): number {
  const [hi, lo] = a > b ? [a, b] : [b, a];
  return (hi + 0.05) / (lo + 0.05);
}

function darken(hex: string, amount: number): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return hex;
  return `#${[m[1], m[2], m[3]]
    .map((h) =>
      Math.round(Number.parseInt(h ?? '0', 16) * (1 - amount))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/**
 * Sets the organization's one accent colour. Buttons and links use it on white, so it is darkened
 * until it reaches 7:1 against white (AAA for text) whatever the brand colour is.
 */
export function applyAccent(color: string): void {
  let accent = color;
  let lum = luminance(accent);
  if (lum === null) return;
  for (let i = 0; i < 20 && contrast(lum, 1) < 7; i += 1) {
    accent = darken(accent, 0.1);
    lum = luminance(accent) ?? 0;
  }
  const root = document.documentElement.style;
  root.setProperty('--accent', accent);
  root.setProperty('--accent-dark', darken(accent, 0.3));
}
