import { useTranslation } from 'react-i18next';
import { FAINT, INK, MARK, Words } from '../../components/Drawing';

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
      <Words x={46} y={29} size={13} bold fill="#fff">
        {t('register.picture.card')}
      </Words>
      <Words x={16} y={72} size={11}>
        {t('register.picture.member')}
      </Words>
      <Words x={16} y={90} size={15} bold>
        MARIA RIVERA
      </Words>
      <rect x={10} y={102} width={170} height={48} rx={4} fill={MARK} stroke={INK} strokeWidth={3} />
      <Words x={18} y={120} size={11}>
        {t('register.picture.mrn')}
      </Words>
      <Words x={18} y={141} size={17} bold mono>
        1100 2345 67
      </Words>
      <rect x={200} y={64} width={100} height={4} rx={2} fill={FAINT} />
      <rect x={200} y={76} width={80} height={4} rx={2} fill={FAINT} />
      <rect x={200} y={112} width={100} height={4} rx={2} fill={FAINT} />
      <rect x={200} y={124} width={70} height={4} rx={2} fill={FAINT} />
      <rect x={16} y={170} width={140} height={4} rx={2} fill={FAINT} />
      <rect x={200} y={170} width={100} height={4} rx={2} fill={FAINT} />
    </svg>
  );
}
