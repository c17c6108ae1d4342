import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { api, isApiError } from '../../api';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Page } from '../../components/Page';
import { useFormErrors } from '../../components/useFormErrors';
import { setLanguage } from '../../i18n';
import {
  type FactorMode,
  readSecondFactor,
  SecondFactorFields,
  secondFactorProblem,
} from './SecondFactorFields';
import { hasChosenLanguage } from './SignInPage';
import { safeReturnTo, signInPath, useMember } from './session';

/** After the password, with two-step verification on: the code from the authenticator app. */
export function TwoStepSignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as { challenge?: string; returnTo?: string } | null;
  const challenge = state?.challenge ?? null;
  const returnTo = safeReturnTo(state?.returnTo ?? null);
  const { setSession } = useMember();
  const [mode, setMode] = useState<FactorMode>('code');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [timedOut, setTimedOut] = useState(false);
  const form = useFormErrors();

  if (!challenge) return <Navigate to={signInPath(returnTo)} replace />;

  if (timedOut) {
    return (
      <Page title={t('twoStep.signIn.timedOutTitle')}>
        <h1 className="heading-l">{t('twoStep.signIn.timedOutTitle')}</h1>
        <p className="lead">{t('twoStep.signIn.timedOutBody')}</p>
        <Link to={signInPath(returnTo)} className="button button--primary" replace>
          {t('twoStep.signIn.startAgain')}
        </Link>
      </Page>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !challenge) return;
    const read = readSecondFactor('two-step', mode, value);
    if ('error' in read) {
      form.setErrors([read.error]);
      return;
    }
    setBusy(true);
    try {
      const { data } = await api.twoStepSignIn({ challenge, ...read.body });
      if (!hasChosenLanguage()) setLanguage(data.member.preferredLanguage);
      setSession(data);
      navigate(returnTo, { replace: true });
    } catch (err) {
      setBusy(false);
      // Five wrong codes, or five minutes: the challenge is gone, sign in again.
      if (isApiError(err) && err.code === 'sign_in_failed') {
        setTimedOut(true);
        return;
      }
      form.setErrors([secondFactorProblem(err, 'two-step', mode)]);
    }
  }

  const title = mode === 'code' ? t('twoStep.signIn.title') : t('twoStep.signIn.recoveryTitle');
  return (
    <Page title={title} error={form.hasErrors} back={<BackLink to={signInPath(returnTo)} />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      <p>{mode === 'code' ? t('twoStep.signIn.intro') : t('twoStep.signIn.recoveryIntro')}</p>
      <form onSubmit={submit} noValidate>
        <SecondFactorFields
          idBase="two-step"
          mode={mode}
          onModeChange={(m) => {
            setMode(m);
            form.setErrors([]);
          }}
          value={value}
          onChange={setValue}
          error={form.fieldError(mode === 'code' ? 'two-step-code' : 'two-step-recovery-code')}
        />
        <Button busy={busy}>{busy ? t('signIn.signingIn') : t('signIn.submit')}</Button>
      </form>
      <h2 className="heading-m">{t('twoStep.signIn.noPhoneTitle')}</h2>
      <p>{t('twoStep.signIn.noPhoneBody')}</p>
    </Page>
  );
}
