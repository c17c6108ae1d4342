import { useTranslation } from 'react-i18next';
import { money } from '../format';

export function Money({ cents, className }: { cents: number; className?: string }) {
  const { i18n } = useTranslation();
  return <span className={className ? `money ${className}` : 'money'}>{money(cents, i18n.language)}</span>;
}
