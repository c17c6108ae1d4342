import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function BackLink({ to, label }: { to: string; label?: string }) {
  const { t } = useTranslation();
  return (
    <Link to={to} className="back-link">
      {label ?? t('common.back')}
    </Link>
  );
}
