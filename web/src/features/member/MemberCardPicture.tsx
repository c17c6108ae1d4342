import { useTranslation } from 'react-i18next';

const INK = '#1d1d1b';
const FAINT = '#b1b4b6';
const MARK = '#ffdd00';

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
      <text x={46} y={29} fontSize={13} fontWeight={700} fill="#fff" fontFamily="sans-serif">
        {t('register.picture.card')}
      </text>
      <text x={16} y={72} fontSize={11} fill={INK} fontFamily="sans-serif">
        {t('register.picture.member')}
      </text>
      <text x={16} y={90} fontSize={15} fontWeight={700} fill={INK} fontFamily="sans-serif">
        MARIA RIVERA
      </text>
      <rect x={10} y={102} width={170} height={48} rx={4} fill={MARK} stroke={INK} strokeWidth={3} />
      <text x={18} y={120} fontSize={11} fill={INK} fontFamily="sans-serif">
        {t('register.picture.mrn')}
      </text>
      <text x={18} y={141} fontSize={17} fontWeight={700} fill={INK} fontFamily="monospace">
        1100 2345 67
      </text>
      <rect x={200} y={64} width={100} height={4} rx={2} fill={FAINT} />
      <rect x={200} y={76} width={80} height={4} rx={2} fill={FAINT} />
      <rect x={200} y={112} width={100} height={4} rx={2} fill={FAINT} />
      <rect x={200} y={124} width={70} height={4} rx={2} fill={FAINT} />
      <rect x={16} y={170} width={140} height={4} rx={2} fill={FAINT} />
      <rect x={200} y={170} width={100} height={4} rx={2} fill={FAINT} />
    </svg>
  );
}
