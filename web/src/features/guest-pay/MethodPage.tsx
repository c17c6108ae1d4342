import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { Button } from '../../components/Button';
import { EmailInput, emailProblem } from '../../components/Field';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { langOf } from '../../format';
import { brandLabel } from '../payment/brands';
import {
  ChooseMethodPage,
  declineMessage,
  MethodQuestion,
  NewMethodFields,
  useNewMethod,
  useNewMethodOptions,
} from '../payment/NewMethod';
import { AlreadyPaid } from './AlreadyPaid';
import { lastPayment, updateJourney, useJourney } from './journey';

export function MethodPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const navigate = useNavigate();
  const journey = useJourney();
  const decline = journey.decline;
  const [kind, setKind] = useState<string | null>(decline?.kind ?? journey.method?.details.kind ?? null);
  const [email, setEmail] = useState(journey.email ?? '');
  const form = useFormErrors();
  const newMethod = useNewMethod(form.setErrors);
  const { busy } = newMethod;
  const options = useNewMethodOptions({ card: t('method.card'), bank: t('method.bank') });
  // A decline is shown as an error from the moment the page opens, with the summary focused.
  const declineMsg: FieldMsg | null = decline ? declineMessage(decline) : null;
  const [initialErrors] = useState<FieldMsg[]>(declineMsg ? [declineMsg] : []);
  const shownErrors = form.submitCount === 0 ? initialErrors : form.errors;

  if (!journey.selection) {
    if (lastPayment(journey)) return <AlreadyPaid />;
    return <Navigate to="/pay/bills" replace />;
  }
  const selection = journey.selection;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const errors: FieldMsg[] = [];
    if (kind !== 'card' && kind !== 'bank') errors.push({ id: 'method', key: 'method.errors.chooseMethod' });
    const trimmedEmail = email.trim();
    // The email is optional: only a wrong one is a problem.
    const emailError: FieldMsg | null = emailProblem(trimmedEmail, 'email', {
      required: null,
      format: 'method.errors.emailFormat',
    });
    if (errors.length > 0) {
      form.setErrors(emailError ? [...errors, emailError] : errors);
      return;
    }
    const result = await newMethod.tokenize(kind, emailError ? [emailError] : []);
    if (!result) return;
    updateJourney((j) => {
      const { decline: _d, attempt: _a, ...rest } = j;
      return {
        ...rest,
        method: { token: result.token, details: result.method },
        email: trimmedEmail,
        bankAuthorized: false,
      };
    });
    navigate('/pay/review');
  }

  const text = (m: FieldMsg) => t(m.key, m.values ?? {}) as string;
  const summary = shownErrors.map((m) => ({ id: m.id, text: text(m) }));
  const groupError = declineMsg && form.submitCount === 0 ? text(declineMsg) : undefined;
  const current = journey.method?.details;
  return (
    <ChooseMethodPage
      backTo={journey.method ? '/pay/review' : '/pay/bills'}
      errors={summary}
      focusKey={form.submitCount}
      amountCents={selection.amountCents}
    >
      <form onSubmit={submit} noValidate>
        <MethodQuestion
          error={form.fieldError('method')}
          value={kind}
          onChange={(v) => {
            setKind(v);
            form.clearField('method');
          }}
          options={options}
        />
        {current && !decline ? (
          <div className="inset">
            <p>
              {current.kind === 'card'
                ? t('method.currentCard', { brand: brandLabel(current.brand, lang), last4: current.last4 })
                : t('method.currentBank', { last4: current.last4 })}
            </p>
          </div>
        ) : null}
        <NewMethodFields kind={kind} refs={newMethod} decline={decline} declineText={groupError} />
        <EmailInput
          label={t('method.email')}
          hint={t('method.emailHint')}
          error={form.fieldError('email')}
          value={email}
          onValue={(v) => {
            setEmail(v);
            form.clearField('email');
          }}
        />
        <Button busy={busy}>{busy ? t('method.checking') : t('common.continue')}</Button>
      </form>
    </ChooseMethodPage>
  );
}
