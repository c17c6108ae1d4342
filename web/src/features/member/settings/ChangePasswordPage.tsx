import { MIN_LENGTH_SINGLE_FACTOR, MIN_LENGTH_WITH_TWO_STEP } from '@domain/passwords';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Page } from '../../../components/Page';
import { PasswordInput } from '../../../components/PasswordInput';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { passwordProblem } from '../ResetPasswordPage';
import { useMemberExpiry, useMemberSession } from '../session';

/** /account/settings/password: the current password, then the new one. */
export function ChangePasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const min = session.twoStepEnabled ? MIN_LENGTH_WITH_TWO_STEP : MIN_LENGTH_SINGLE_FACTOR;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const errors: FieldMsg[] = [];
    if (!current) errors.push({ id: 'current-password', key: 'settings.password.errors.currentRequired' });
    if (!next) errors.push({ id: 'new-password', key: 'resetPassword.errors.required' });
    if (errors.length > 0) {
      form.setErrors(errors);
      return;
    }
    setBusy(true);
    try {
      await api.changePassword(session.csrfToken, { currentPassword: current, newPassword: next });
      navigate('/account/settings', { state: { notice: { key: 'settings.password.changed' } } });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      if (isApiError(err) && err.code === 'validation_failed') {
        const list: FieldMsg[] = [];
        for (const problem of err.problem.errors ?? []) {
          if (problem.field === 'currentPassword')
            list.push({ id: 'current-password', key: 'settings.password.errors.wrongCurrent' });
          else if (problem.field === 'newPassword')
            list.push(passwordProblem('new-password', problem.code, problem.message));
        }
        form.setErrors(list.length > 0 ? list : [{ id: '', key: 'common.errors.unexpected' }]);
        return;
      }
      if (isApiError(err) && err.code === 'rate_limited') {
        const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
        form.setErrors([{ id: '', key: 'twoStep.errors.rateLimited', values: { count: minutes } }]);
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

  const title = t('settings.password.pageTitle');
  return (
    <Page
      title={title}
      error={form.hasErrors}
      back={<BackLink to="/account/settings" label={t('settings.back')} />}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      <p>{t('settings.password.intro')}</p>
      <form onSubmit={submit} noValidate>
        <PasswordInput
          id="current-password"
          name="currentPassword"
          label={t('settings.password.current')}
          error={form.fieldError('current-password')}
          value={current}
          onChange={(e) => {
            setCurrent(e.target.value);
            form.clearField('current-password');
          }}
          autoComplete="current-password"
        />
        <PasswordInput
          id="new-password"
          name="newPassword"
          label={t('resetPassword.password')}
          hint={t('register.passwordHint', { min })}
          error={form.fieldError('new-password')}
          value={next}
          onChange={(e) => {
            setNext(e.target.value);
            form.clearField('new-password');
          }}
          autoComplete="new-password"
        />
        <Button busy={busy}>{busy ? t('resetPassword.saving') : t('settings.password.submit')}</Button>
      </form>
    </Page>
  );
}
