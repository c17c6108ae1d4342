import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from './Field';

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export type DatePart = keyof DateParts;

/** What is wrong with a typed date, as a message key and the boxes to mark. */
export interface DateProblem {
  key: string;
  parts: DatePart[];
}

const PARTS: DatePart[] = ['day', 'month', 'year'];

/** id of one box; the day box's id is the one an error summary links to by default. */
export function datePartId(idBase: string, part: DatePart): string {
  return `${idBase}-${part}`;
}

/**
 * Checks a date of birth typed as day, month and year (GOV.UK "Date input" error messages) and
 * returns it as 'YYYY-MM-DD', or the problem to show.
 */
export function parseBirthDate(parts: DateParts, today = new Date()): { iso: string } | DateProblem {
  const value = { day: parts.day.trim(), month: parts.month.trim(), year: parts.year.trim() };
  const missing = PARTS.filter((p) => value[p] === '');
  if (missing.length === 3) return { key: 'dateInput.errors.required', parts: PARTS };
  if (missing.length === 1 && missing[0])
    return { key: `dateInput.errors.missing.${missing[0]}`, parts: missing };
  if (missing.length > 1) return { key: 'dateInput.errors.required', parts: missing };
  const notNumbers = PARTS.filter((p) => !/^\d+$/.test(value[p]));
  if (notNumbers.length > 0) return { key: 'dateInput.errors.real', parts: notNumbers };
  if (value.year.length !== 4) return { key: 'dateInput.errors.yearDigits', parts: ['year'] };
  const day = Number(value.day);
  const month = Number(value.month);
  const year = Number(value.year);
  if (month < 1 || month > 12) return { key: 'dateInput.errors.real', parts: ['month'] };
  const date = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1)
    return { key: 'dateInput.errors.real', parts: ['day'] };
  if (year < 1900) return { key: 'dateInput.errors.tooOld', parts: ['year'] };
  const iso = `${value.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const todayIso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  if (iso >= todayIso) return { key: 'dateInput.errors.past', parts: PARTS };
  return { iso };
}

/** Day, month and year boxes in one fieldset, as GOV.UK's date input. */
export function DateInput({
  idBase,
  legend,
  hint,
  error,
  errorParts = [],
  value,
  onChange,
  autoCompletePrefix,
}: {
  idBase: string;
  legend: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** The boxes to mark as wrong (all three when the error is about the whole date). */
  errorParts?: DatePart[];
  value: DateParts;
  onChange: (value: DateParts) => void;
  /** 'bday' gives the browser's autofill its birthday parts. */
  autoCompletePrefix?: 'bday';
}) {
  const { t } = useTranslation();
  const hintId = hint ? `${idBase}-hint` : undefined;
  const errorId = error ? `${idBase}-error` : undefined;
  const marked = error ? (errorParts.length > 0 ? errorParts : PARTS) : [];
  return (
    <div className={error ? 'field field--error' : 'field'}>
      <fieldset
        className="fieldset"
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
      >
        <legend className="legend">{legend}</legend>
        {hint ? (
          <div className="hint" id={hintId}>
            {hint}
          </div>
        ) : null}
        {error && errorId ? <ErrorMessage id={errorId}>{error}</ErrorMessage> : null}
        <div className="date-input">
          {PARTS.map((part) => {
            const id = datePartId(idBase, part);
            const wrong = marked.includes(part);
            return (
              <div key={part} className="date-input__item">
                <label className="label date-input__label" htmlFor={id}>
                  {t(`dateInput.${part}`)}
                </label>
                <input
                  id={id}
                  name={`${idBase}-${part}`}
                  type="text"
                  inputMode="numeric"
                  className={`input date-input__input date-input__input--${part}${wrong ? ' input--error' : ''}`}
                  value={value[part]}
                  onChange={(e) => onChange({ ...value, [part]: e.target.value })}
                  autoComplete={autoCompletePrefix ? `${autoCompletePrefix}-${part}` : 'off'}
                  aria-invalid={wrong ? true : undefined}
                />
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
