import { MAX_LENGTH, MIN_LENGTH_SINGLE_FACTOR } from '@domain/passwords';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, isApiError } from '../../api';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Page } from '../../components/Page';
import { PasswordInput } from '../../components/PasswordInput';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { useMember } from './session';

/** The API says how long a password must be (15, or 8 with two-step verification); take its number. */
function minimumFrom(message: string | undefined): number {
  const n = Number(/\d+/.exec(message ?? '')?.[0]);
  return Number.isFinite(n) && n > 0 ? n : MIN_LENGTH_SINGLE_FACTOR;
}

/** The API's password problems, in the words the registration page uses. */
export function passwordProblem(id: string, code: string, message?: string): FieldMsg {
  const known = ['too_short', 'too_long', 'too_common', 'same_as_email'];
  return {
    id,
    key: known.includes(code) ? `register.errors.password.${code}` : 'register.errors.password.invalid',
    values: { min: minimumFrom(message), max: MAX_LENGTH },
  };
}

/** /reset-password?token=…: the emailed link; choose a new password. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token')?.trim() ?? '';
  const { endLocally } = useMember();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState(!token);
  const form = useFormErrors();

  if (invalid) {
    return (
      <Page title={t('resetPassword.invalidTitle')}>
        <h1 className="heading-l">{t('resetPassword.invalidTitle')}</h1>
        <p className="lead">{t('resetPassword.invalidLead')}</p>
        <p>{t('resetPassword.invalidBody')}</p>
        <div className="button-group">
          <Link to="/sign-in/forgot-password" className="button button--primary">
            {t('resetPassword.newLink')}
          </Link>
          <Link to="/sign-in" className="link-button">
            {t('checkEmail.signIn')}
          </Link>
        </div>
      </Page>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!password) return form.setErrors([{ id: 'password', key: 'resetPassword.errors.required' }]);
    setBusy(true);
    try {
      await api.completePasswordReset(token, password);
      // Every session of the member ended, this browser's too.
      endLocally();
      navigate('/reset-password/done', { replace: true });
    } catch (err) {
      setBusy(false);
      if (isApiError(err) && err.code === 'token_invalid') {
        setInvalid(true);
        return;
      }
      if (isApiError(err) && err.code === 'validation_failed') {
        const problem = err.problem.errors?.find((x) => x.field === 'password');
        form.setErrors([
          problem
            ? passwordProblem('password', problem.code, problem.message)
            : { id: 'password', key: 'register.errors.password.invalid', values: { min: 15 } },
        ]);
        return;
      }
      if (isApiError(err) && err.code === 'rate_limited') {
        const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
        form.setErrors([{ id: '', key: 'forgotPassword.errors.rateLimited', values: { count: minutes } }]);
        return;
      }
      form.setErrors([
        {
          id: '',
          key:
            isApiError(err) && err.code === 'network' ? 'common.errors.network' : 'common.errors.unexpected',
        },
      ]);
    }
  }

  return (
    <Page title={t('resetPassword.title')} error={form.hasErrors}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{t('resetPassword.title')}</h1>
      <p>{t('resetPassword.intro')}</p>
      <form onSubmit={submit} noValidate>
        <PasswordInput
          id="password"
          name="password"
          label={t('resetPassword.password')}
          hint={t('register.passwordHint', { min: MIN_LENGTH_SINGLE_FACTOR })}
          error={form.fieldError('password')}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            form.clearField('password');
          }}
          autoComplete="new-password"
        />
        <Button busy={busy}>{busy ? t('resetPassword.saving') : t('resetPassword.submit')}</Button>
      </form>
    </Page>
  );
}

export function ResetPasswordDonePage() {
  const { t } = useTranslation();
  return (
    <Page title={t('resetPassword.doneTitle')}>
      <div className="panel">
        <h1 className="panel__title">{t('resetPassword.doneTitle')}</h1>
        <p className="panel__body">{t('resetPassword.doneBody')}</p>
      </div>
      <p>{t('resetPassword.doneOthers')}</p>
      <Link to="/sign-in" className="button button--primary">
        {t('resetPassword.signIn')}
      </Link>
    </Page>
  );
}
