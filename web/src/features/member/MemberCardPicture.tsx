import { useTranslation } from 'react-i18next';
import { Highlight, INK, Lines, Words } from '../../components/Drawing';

/**
 * A drawn member ID card with the medical record number (MRN) highlighted. Decorative: the words
 * beside it say where the number is.
 */
export function MemberCardPicture() {
  const { t } = useTranslation();
  return (
    <svg className="bill-picture" viewBox="0 0 320 200" aria-hidden="true" focusable="false">
      <rect x={1.5} y={1.5} width={317} height={197} rx={14} fill="#fff" stroke={INK} strokeWidth={3} />
      <rect x={1.5} y={1.5} width={317} height={44} rx={14} fill="var(--accent, #0b5e55)" />
      <rect x={1.5} y={30} width={317} height={16} fill="var(--accent, #0b5e55)" />
      <rect x={16} y={12} width={22} height={22} rx={4} fill="#fff" />
      <Words x={46} y={29} size={13} bold fill="#fff" text={t('register.picture.card')} />
      <Words x={16} y={72} size={11} text={t('register.picture.member')} />
      <Words x={16} y={90} size={15} bold text="MARIA RIVERA" />
      <Highlight x={10} y={102} w={170} h={48} on />
      <Words x={18} y={120} size={11} text={t('register.picture.mrn')} />
      <Words x={18} y={141} size={17} bold mono text="1100 2345 67" />
      <Lines x={200} y={64} widths={[100, 80]} gap={12} />
      <Lines x={200} y={112} widths={[100, 70]} gap={12} />
      <Lines x={16} y={170} widths={[140]} />
      <Lines x={200} y={170} widths={[100]} />
    </svg>
  );
}
