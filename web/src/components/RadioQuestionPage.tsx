import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BackLink } from './BackLink';
import { Button } from './Button';
import { ErrorSummary } from './ErrorSummary';
import { type ChoiceOption, QuestionRadios } from './Field';
import { Page } from './Page';
import { useFormErrors } from './useFormErrors';

/**
 * A GOV.UK question page with one radio question: a back link, the question as the heading, the
 * options, "Continue". Nothing chosen: `requiredKey` in the error summary and beside the radios.
 */
export function RadioQuestionPage({
  id,
  name,
  title,
  hint,
  backTo,
  options,
  initial,
  requiredKey,
  onAnswer,
}: {
  id: string;
  name?: string;
  title: string;
  hint: string;
  backTo: string;
  options: ChoiceOption[];
  initial: string | null;
  requiredKey: string;
  onAnswer: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState<string | null>(initial);
  const form = useFormErrors();

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!value) {
      form.setErrors([{ id, key: requiredKey }]);
      return;
    }
    onAnswer(value);
  }

  return (
    <Page title={title} error={form.hasErrors} back={<BackLink to={backTo} />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <form onSubmit={submit} noValidate>
        <QuestionRadios
          id={id}
          {...(name ? { name } : {})}
          question={title}
          hint={hint}
          error={form.fieldError(id)}
          value={value}
          onChange={(v) => {
            setValue(v);
            form.clearField(id);
          }}
          options={options}
        />
        <Button>{t('common.continue')}</Button>
      </form>
    </Page>
  );
}
