import { useMemo } from 'react';
import { encode } from 'uqr';

/** Light modules around the code; scanners need 4 (ISO/IEC 18004). */
const QUIET_ZONE = 4;

/**
 * `text` as a QR code (error correction M): the side in modules, quiet zone included, and the dark
 * modules as one SVG path. Each horizontal run of dark modules is one rectangle, so a 57 × 57 code
 * is a few hundred short commands rather than thousands of <rect> elements.
 */
export function qrDrawing(text: string): { size: number; path: string } {
  const qr = encode(text, { ecc: 'M', border: 0 });
  const parts: string[] = [];
  qr.data.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      parts.push(`M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${x - start}v1h${start - x}z`);
    }
  });
  return { size: qr.size + QUIET_ZONE * 2, path: parts.join('') };
}

/**
 * A QR code drawn in the browser as an inline SVG: black modules on white with a quiet zone of 4,
 * scaled to the width it is given (CSS), with crisp edges. It is an image with a name, so screen
 * readers announce what it is for; whoever shows it also shows the same thing as text.
 */
export function QrCode({ text, label, className }: { text: string; label: string; className?: string }) {
  const { size, path } = useMemo(() => qrDrawing(text), [text]);
  return (
    <svg
      className={className ? `qr-code ${className}` : 'qr-code'}
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size} ${size}`}
      xmlns="http://www.w3.org/2000/svg"
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
