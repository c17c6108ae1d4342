import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';

export type MedicalSpot = 'account' | 'postalCode';
export type PremiumSpot = 'account' | 'invoice' | 'lastName';

const INK = '#1d1d1b';
const FAINT = '#b1b4b6';
const MARK = '#ffdd00';

function Highlight({ x, y, w, h, on }: { x: number; y: number; w: number; h: number; on: boolean }) {
  if (!on) return null;
  return <rect x={x} y={y} width={w} height={h} rx={4} fill={MARK} stroke={INK} strokeWidth={3} />;
}

function Lines({ x, y, widths, gap = 9 }: { x: number; y: number; widths: number[]; gap?: number }) {
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

/** A drawn medical bill with the spot that holds the asked-for number highlighted. Decorative: the caption says it in words. */
export function MedicalBillPicture({ spot }: { spot: MedicalSpot }) {
  const { t } = useTranslation();
  return (
    <svg className="bill-picture" viewBox="0 0 320 210" aria-hidden="true" focusable="false">
      <rect x={1.5} y={1.5} width={317} height={207} rx={6} fill="#fff" stroke={INK} strokeWidth={3} />
      <rect x={16} y={16} width={22} height={22} rx={4} fill="var(--accent, #0b5e55)" />
      <Lines x={44} y={20} widths={[70, 50]} />
      <Highlight x={180} y={10} w={128} h={44} on={spot === 'account'} />
      <text x={188} y={27} fontSize={11} fill={INK} fontFamily="sans-serif">
        {t('pictures.accountNumber')}
      </text>
      <text x={188} y={45} fontSize={14} fontWeight={700} fill={INK} fontFamily="monospace">
        1234 5678 9
      </text>
      <text x={16} y={78} fontSize={11} fill={INK} fontFamily="sans-serif">
        MARIA RIVERA
      </text>
      <text x={16} y={93} fontSize={11} fill={INK} fontFamily="sans-serif">
        123 MAIN ST
      </text>
      <Highlight x={119} y={98} w={52} h={22} on={spot === 'postalCode'} />
      <text x={16} y={114} fontSize={11} fill={INK} fontFamily="sans-serif">
        SACRAMENTO CA
      </text>
      <text x={124} y={114} fontSize={12} fontWeight={700} fill={INK} fontFamily="monospace">
        95814
      </text>
      <line x1={16} y1={134} x2={304} y2={134} stroke={FAINT} strokeWidth={2} />
      <Lines x={16} y={144} widths={[150, 120, 140]} gap={12} />
      <Lines x={254} y={144} widths={[50, 50, 50]} gap={12} />
      <text x={190} y={196} fontSize={11} fill={INK} fontFamily="sans-serif">
        {t('pictures.youOwe')}
      </text>
      <text x={246} y={196} fontSize={13} fontWeight={700} fill={INK} fontFamily="sans-serif">
        $182.40
      </text>
    </svg>
  );
}

/** A drawn premium invoice with its tear-off payment coupon, highlighting the asked-for spot. */
export function PremiumCouponPicture({ spot }: { spot: PremiumSpot }) {
  const { t } = useTranslation();
  return (
    <svg className="bill-picture" viewBox="0 0 320 230" aria-hidden="true" focusable="false">
      <rect x={1.5} y={1.5} width={317} height={227} rx={6} fill="#fff" stroke={INK} strokeWidth={3} />
      <rect x={16} y={16} width={22} height={22} rx={4} fill="var(--accent, #0b5e55)" />
      <Lines x={44} y={20} widths={[70, 50]} />
      <Lines x={16} y={54} widths={[220, 180, 200, 160]} />
      <line x1={4} y1={104} x2={316} y2={104} stroke={INK} strokeWidth={2} strokeDasharray="6 5" />
      <text x={16} y={122} fontSize={10} fill={INK} fontFamily="sans-serif">
        {t('pictures.coupon')}
      </text>
      <Highlight x={10} y={128} w={150} h={40} on={spot === 'account'} />
      <text x={16} y={144} fontSize={10} fill={INK} fontFamily="sans-serif">
        {t('pictures.accountNumber')}
      </text>
      <text x={16} y={161} fontSize={13} fontWeight={700} fill={INK} fontFamily="monospace">
        5512 3409 7
      </text>
      <Highlight x={166} y={128} w={146} h={40} on={spot === 'invoice'} />
      <text x={172} y={144} fontSize={10} fill={INK} fontFamily="sans-serif">
        {t('pictures.invoiceNumber')}
      </text>
      <text x={172} y={161} fontSize={13} fontWeight={700} fill={INK} fontFamily="monospace">
        INV-20270101
      </text>
      <Highlight x={10} y={174} w={150} h={44} on={spot === 'lastName'} />
      <text x={16} y={190} fontSize={10} fill={INK} fontFamily="sans-serif">
        {t('pictures.subscriber')}
      </text>
      <text x={16} y={208} fontSize={13} fontWeight={700} fill={INK} fontFamily="sans-serif">
        RIVERA, MARIA
      </text>
      <text x={172} y={190} fontSize={10} fill={INK} fontFamily="sans-serif">
        {t('pictures.amountDue')}
      </text>
      <text x={172} y={208} fontSize={13} fontWeight={700} fill={INK} fontFamily="sans-serif">
        $412.00
      </text>
    </svg>
  );
}

/** "Where do I find this?": a disclosure with words first and the picture as a visual aid. */
export function WhereToFind({
  children,
  picture,
  open,
  onToggle,
}: {
  children: ReactNode;
  picture: ReactNode;
  open?: boolean;
  onToggle?: (open: boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <details
      className="details"
      open={open}
      onToggle={onToggle ? (e) => onToggle((e.currentTarget as HTMLDetailsElement).open) : undefined}
    >
      <summary className="details__summary" id={id}>
        <span className="details__summary-text">{t('lookup.whereToFind')}</span>
      </summary>
      <div className="details__text">
        <p>{children}</p>
        {picture}
      </div>
    </details>
  );
}
