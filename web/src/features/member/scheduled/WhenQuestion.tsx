import { useTranslation } from 'react-i18next';
import { DateInput, type DatePart, type DateParts } from '../../../components/DateInput';
import { Radios } from '../../../components/Field';
import type { FieldMsg } from '../../../components/useFormErrors';
import { type DateWindow, dayAndDate, isDateProblem, parsePayDate, typedExample } from './dates';

export type WhenChoice = 'today' | 'later';

/** The id the error summary links to for the date (the day box). */
export const PAY_ON_ID = 'pay-on';

/** What is wrong with the date typed for a later payment, or its 'YYYY-MM-DD'. */
export function checkPayDate(
  parts: DateParts,
  window: Pick<DateWindow, 'first' | 'last'>,
): { iso: string } | { error: FieldMsg; parts: DatePart[] } {
  const parsed = parsePayDate(parts);
  if (isDateProblem(parsed)) {
    const first = parsed.parts[0] ?? 'day';
    return {
      error: {
        id: `${PAY_ON_ID}-${first}`,
        key: parsed.key,
        values: { example: typedExample(window.first) },
      },
      parts: parsed.parts,
    };
  }
  if (parsed.iso < window.first || parsed.iso > window.last) return { error: rangeError(window), parts: [] };
  return parsed;
}

/** "Choose a date from … to …" (the dates formatted in the language shown, even after a switch). */
export function rangeError(window: Pick<DateWindow, 'first' | 'last'>): FieldMsg {
  return {
    id: `${PAY_ON_ID}-day`,
    key: 'scheduled.date.errors.range',
    values: { first: window.first, last: window.last },
  };
}

/** The hint under the date: an example to type, and the dates allowed (and why the last one). */
export function DateHint({ window }: { window: DateWindow }) {
  const { t, i18n } = useTranslation();
  const first = dayAndDate(window.first, i18n.language);
  const last = dayAndDate(window.last, i18n.language);
  return (
    <>
      {t('scheduled.date.example', { example: typedExample(window.first) })}{' '}
      {window.lastIsDueDate
        ? t('scheduled.date.windowDue', { first, last })
        : t('scheduled.date.window', { first, last })}
    </>
  );
}

/** "When do you want to pay? ( ) Today ( ) On a later date [day month year]" */
export function WhenQuestion({
  value,
  onChange,
  parts,
  onPartsChange,
  window,
  error,
  errorParts,
}: {
  value: WhenChoice;
  onChange: (value: WhenChoice) => void;
  parts: DateParts;
  onPartsChange: (parts: DateParts) => void;
  window: DateWindow;
  /** The message next to the date. */
  error: string | undefined;
  errorParts: DatePart[];
}) {
  const { t } = useTranslation();
  return (
    <Radios
      idBase="when"
      name="when"
      legend={<h2 className="heading-m">{t('scheduled.when.legend')}</h2>}
      value={value}
      onChange={(v) => onChange(v === 'later' ? 'later' : 'today')}
      options={[
        { value: 'today', label: t('scheduled.when.today') },
        {
          value: 'later',
          label: t('scheduled.when.later'),
          hint: t('scheduled.when.laterHint'),
          conditional: (
            <DateInput
              idBase={PAY_ON_ID}
              legend={t('scheduled.date.legend')}
              hint={<DateHint window={window} />}
              error={error}
              errorParts={errorParts}
              value={parts}
              onChange={onPartsChange}
            />
          ),
        },
      ]}
    />
  );
}
