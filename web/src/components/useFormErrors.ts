import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorItem } from './ErrorSummary';

/** An error kept as a translation key, so it follows a language switch while it is shown. */
export interface FieldMsg {
  /** id of the input the message is about (and the summary links to); '' for a form-level problem */
  id: string;
  key: string;
  values?: Record<string, unknown>;
  /** Shown only in the error summary (e.g. "We could not find a bill"), not beside the field. */
  summaryOnly?: boolean;
}

/** Errors for one form: what the summary lists, what each field shows, and a counter bumped per submit. */
export function useFormErrors() {
  const { t } = useTranslation();
  const [errors, setErrorsState] = useState<FieldMsg[]>([]);
  const [submitCount, setSubmitCount] = useState(0);

  const setErrors = useCallback((next: FieldMsg[]) => {
    setErrorsState(next);
    setSubmitCount((n) => n + 1);
  }, []);

  const text = useCallback((m: FieldMsg) => t(m.key, m.values ?? {}) as string, [t]);

  const summary: ErrorItem[] = errors.map((e) => (e.id ? { id: e.id, text: text(e) } : { text: text(e) }));

  const fieldError = (id: string): string | undefined => {
    const m = errors.find((e) => e.id === id && !e.summaryOnly);
    return m ? text(m) : undefined;
  };

  const clearField = (id: string) => setErrorsState((list) => list.filter((e) => e.id !== id));

  return { errors, setErrors, summary, fieldError, clearField, submitCount, hasErrors: errors.length > 0 };
}
