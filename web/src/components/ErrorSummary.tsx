import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

export interface ErrorItem {
  /** id of the input the link moves focus to; omit for a problem that is not about one field */
  id?: string;
  text: string;
}

/** Focuses the element with this id and scrolls its label into view, as GOV.UK's error summary does. */
export function focusField(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  const group = el.closest('fieldset, .field');
  const legend = group?.querySelector('legend, label');
  (legend ?? el).scrollIntoView({ block: 'start' });
  el.focus({ preventScroll: true });
}

/**
 * "There is a problem": shown at the top of a form after a submit that failed. It takes focus
 * each time `focusKey` changes (each submit), so screen readers announce it right away.
 */
export function ErrorSummary({
  errors,
  focusKey,
  title,
  idPrefix = 'error-summary',
}: {
  errors: ErrorItem[];
  focusKey: number;
  title?: string;
  /** Another prefix for a second summary on the page (one inside a dialog). */
  idPrefix?: string;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refocus on every submit, not on each render
  useEffect(() => {
    if (errors.length > 0) {
      ref.current?.focus();
      ref.current?.scrollIntoView({ block: 'start' });
    }
  }, [focusKey]);

  if (errors.length === 0) return null;
  return (
    <div className="error-summary" ref={ref} tabIndex={-1} aria-labelledby={`${idPrefix}-title`} role="alert">
      <h2 className="error-summary__title" id={`${idPrefix}-title`}>
        {title ?? t('common.errorSummaryTitle')}
      </h2>
      <ul className="error-summary__list">
        {errors.map((e) => (
          <li key={`${e.id ?? ''}:${e.text}`} className="error-summary__item">
            {e.id ? (
              <a
                href={`#${e.id}`}
                onClick={(event) => {
                  event.preventDefault();
                  if (e.id) focusField(e.id);
                }}
              >
                {e.text}
              </a>
            ) : (
              e.text
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
