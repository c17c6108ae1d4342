import type { ReactNode } from 'react';

/** The pictures of a bill or an ID card share these: ink, faint lines, and the yellow highlight. */
export const INK = '#1d1d1b';
export const FAINT = '#b1b4b6';
export const MARK = '#ffdd00';

export function Highlight({ x, y, w, h, on }: { x: number; y: number; w: number; h: number; on: boolean }) {
  if (!on) return null;
  return <rect x={x} y={y} width={w} height={h} rx={4} fill={MARK} stroke={INK} strokeWidth={3} />;
}

/** Grey bars standing for text nobody needs to read. */
export function Lines({ x, y, widths, gap = 9 }: { x: number; y: number; widths: number[]; gap?: number }) {
  return (
    <>
      {widths
        .map((w, i) => ({ w, top: y + i * gap }))
        .map(({ w, top }) => (
          <rect key={top} x={x} y={top} width={w} height={4} rx={2} fill={FAINT} />
        ))}
    </>
  );
}

/** Words on a picture: sans-serif labels, bold for what stands out, monospace for numbers. */
export function Words({
  x,
  y,
  size,
  bold = false,
  mono = false,
  fill = INK,
  text,
}: {
  x: number;
  y: number;
  size: number;
  bold?: boolean;
  mono?: boolean;
  fill?: string;
  text: ReactNode;
}) {
  return (
    <text
      x={x}
      y={y}
      fontSize={size}
      {...(bold ? { fontWeight: 700 } : {})}
      fill={fill}
      fontFamily={mono ? 'monospace' : 'sans-serif'}
    >
      {text}
    </text>
  );
}
