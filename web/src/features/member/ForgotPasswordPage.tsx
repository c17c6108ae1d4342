import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, isApiError } from '../../api';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { EmailInput } from '../../components/Field';
import { Page } from '../../components/Page';
import { useEmailAnswer } from '../../components/useEmailAnswer';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { EmailSentLead } from './CheckEmailPage';
import { RegionContacts } from './RegionContacts';

/** "Forgot your password?": the email address to send a link to. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const form = useFormErrors();
  const { email, setEmail, busy, setBusy, begin } = useEmailAnswer(form.setErrors, 'email', {
    required: 'forgotPassword.errors.emailRequired',
    format: 'forgotPassword.errors.emailFormat',
  });

  async function submit(e: FormEvent) {
    const value = begin(e);
    if (value === null) return;
    try {
      await api.requestPasswordReset(value);
      navigate('/sign-in/forgot-password/check-email', { state: { email: value } });
    } catch (err) {
      setBusy(false);
      let msg: FieldMsg = { id: '', key: 'common.errors.unexpected' };
      if (isApiError(err) && err.code === 'validation_failed')
        msg = { id: 'email', key: 'forgotPassword.errors.emailFormat' };
      else if (isApiError(err) && err.code === 'rate_limited') {
        const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
        msg = { id: '', key: 'forgotPassword.errors.rateLimited', values: { count: minutes } };
      } else if (isApiError(err) && err.code === 'network') msg = { id: '', key: 'common.errors.network' };
      form.setErrors([msg]);
    }
  }

  return (
    <Page title={t('forgotPassword.title')} error={form.hasErrors} back={<BackLink to="/sign-in" />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{t('forgotPassword.title')}</h1>
      <p>{t('forgotPassword.intro')}</p>
      <form onSubmit={submit} noValidate>
        <EmailInput
          label={t('forgotPassword.email')}
          hint={t('forgotPassword.emailHint')}
          error={form.fieldError('email')}
          value={email}
          onValue={(v) => {
            setEmail(v);
            form.clearField('email');
          }}
          autoComplete="username"
          mobile
        />
        <Button busy={busy}>{busy ? t('forgotPassword.sending') : t('forgotPassword.submit')}</Button>
      </form>
      <h2 className="heading-m">{t('forgotPassword.payTitle')}</h2>
      <p>{t('forgotPassword.payBody')}</p>
      <p>
        <Link to="/pay">{t('signIn.guest')}</Link>
      </p>
    </Page>
  );
}

/** After asking for a link: the same words whether or not the address has an account. */
export function ForgotPasswordSentPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const email = (location.state as { email?: string } | null)?.email ?? null;
  return (
    <Page title={t('forgotPassword.sentTitle')} back={<BackLink to="/sign-in/forgot-password" />}>
      <h1 className="heading-l">{t('forgotPassword.sentTitle')}</h1>
      <EmailSentLead texts="forgotPassword" email={email} />
      <h2 className="heading-m">{t('checkEmail.nothingTitle')}</h2>
      <ul className="list list--bullet">
        <li>{t('checkEmail.spam')}</li>
        <li>{t('checkEmail.wait')}</li>
        <li>
          {t('forgotPassword.wrongAddress')}{' '}
          <Link to="/sign-in/forgot-password">{t('forgotPassword.tryAgain')}</Link>
        </li>
      </ul>
      <p>{t('forgotPassword.call')}</p>
      <RegionContacts />
      <p>
        <Link to="/sign-in">{t('checkEmail.signIn')}</Link>
      </p>
    </Page>
  );
}
