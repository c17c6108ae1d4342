import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';

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
