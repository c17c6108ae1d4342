import { useTranslation } from 'react-i18next';

const INK = '#1d1d1b';
const FAINT = '#b1b4b6';
const MARK = '#ffdd00';

/** A drawn check with the routing number (first) and account number (second) marked at the bottom. */
export function CheckPicture() {
  const { t } = useTranslation();
  return (
    <svg className="bill-picture" viewBox="0 0 320 160" aria-hidden="true" focusable="false">
      <rect x={1.5} y={1.5} width={317} height={157} rx={6} fill="#f8f8f4" stroke={INK} strokeWidth={3} />
      <rect x={16} y={16} width={90} height={5} rx={2} fill={FAINT} />
      <rect x={16} y={26} width={70} height={5} rx={2} fill={FAINT} />
      <rect x={236} y={16} width={68} height={5} rx={2} fill={FAINT} />
      <line x1={16} y1={62} x2={230} y2={62} stroke={FAINT} strokeWidth={2} />
      <rect x={240} y={48} width={64} height={20} rx={2} fill="none" stroke={FAINT} strokeWidth={2} />
      <line x1={16} y1={88} x2={304} y2={88} stroke={FAINT} strokeWidth={2} />
      <line x1={180} y1={116} x2={304} y2={116} stroke={FAINT} strokeWidth={2} />
      <rect x={10} y={124} width={104} height={30} rx={4} fill={MARK} stroke={INK} strokeWidth={3} />
      <rect
        x={120}
        y={124}
        width={122}
        height={30}
        rx={4}
        fill="none"
        stroke={INK}
        strokeWidth={2}
        strokeDasharray="5 4"
      />
      <text x={16} y={144} fontSize={13} fontWeight={700} fill={INK} fontFamily="monospace">
        110000000
      </text>
      <text x={126} y={144} fontSize={13} fontWeight={700} fill={INK} fontFamily="monospace">
        000123456789
      </text>
      <text x={250} y={144} fontSize={13} fill={INK} fontFamily="monospace">
        1001
      </text>
      <text x={16} y={116} fontSize={10} fill={INK} fontFamily="sans-serif">
        {t('pictures.routing')}
      </text>
      <text x={112} y={116} fontSize={10} fill={INK} fontFamily="sans-serif">
        {t('pictures.account')}
      </text>
    </svg>
  );
}
