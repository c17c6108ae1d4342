import { useTranslation } from 'react-i18next';
import { FAINT, Highlight, INK, Lines, Words } from '../../components/Drawing';

export type MedicalSpot = 'account' | 'postalCode';
export type PremiumSpot = 'account' | 'invoice' | 'lastName';

/** A drawn medical bill with the spot that holds the asked-for number highlighted. Decorative: the caption says it in words. */
export function MedicalBillPicture({ spot }: { spot: MedicalSpot }) {
  const { t } = useTranslation();
  return (
    <svg className="bill-picture" viewBox="0 0 320 210" aria-hidden="true" focusable="false">
      <rect x={1.5} y={1.5} width={317} height={207} rx={6} fill="#fff" stroke={INK} strokeWidth={3} />
      <rect x={16} y={16} width={22} height={22} rx={4} fill="var(--accent, #0b5e55)" />
      <Lines x={44} y={20} widths={[70, 50]} />
      <Highlight x={180} y={10} w={128} h={44} on={spot === 'account'} />
      <Words x={188} y={27} size={11} text={t('pictures.accountNumber')} />
      <Words x={188} y={45} size={14} bold mono text="1234 5678 9" />
      <Words x={16} y={78} size={11} text="MARIA RIVERA" />
      <Words x={16} y={93} size={11} text="123 MAIN ST" />
      <Highlight x={119} y={98} w={52} h={22} on={spot === 'postalCode'} />
      <Words x={16} y={114} size={11} text="SACRAMENTO CA" />
      <Words x={124} y={114} size={12} bold mono text="95814" />
      <line x1={16} y1={134} x2={304} y2={134} stroke={FAINT} strokeWidth={2} />
      <Lines x={16} y={144} widths={[150, 120, 140]} gap={12} />
      <Lines x={254} y={144} widths={[50, 50, 50]} gap={12} />
      <Words x={190} y={196} size={11} text={t('pictures.youOwe')} />
      <Words x={246} y={196} size={13} bold text="$182.40" />
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
      <Words x={16} y={122} size={10} text={t('pictures.coupon')} />
      <Highlight x={10} y={128} w={150} h={40} on={spot === 'account'} />
      <Words x={16} y={144} size={10} text={t('pictures.accountNumber')} />
      <Words x={16} y={161} size={13} bold mono text="5512 3409 7" />
      <Highlight x={166} y={128} w={146} h={40} on={spot === 'invoice'} />
      <Words x={172} y={144} size={10} text={t('pictures.invoiceNumber')} />
      <Words x={172} y={161} size={13} bold mono text="INV-20270101" />
      <Highlight x={10} y={174} w={150} h={44} on={spot === 'lastName'} />
      <Words x={16} y={190} size={10} text={t('pictures.subscriber')} />
      <Words x={16} y={208} size={13} bold text="RIVERA, MARIA" />
      <Words x={172} y={190} size={10} text={t('pictures.amountDue')} />
      <Words x={172} y={208} size={13} bold text="$412.00" />
    </svg>
  );
}
