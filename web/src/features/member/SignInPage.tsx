import type { SignInBody } from '@contract/auth/auth.schema';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, isApiError } from '../../api';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { EmailInput, Radios } from '../../components/Field';
import { Page } from '../../components/Page';
import { PasswordInput } from '../../components/PasswordInput';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { setLanguage } from '../../i18n';
import { useOrganization } from '../../organization';
import { safeReturnTo, useMember } from './session';

type PlanType = NonNullable<SignInBody['planType']>;
const PLAN_TYPES: PlanType[] = ['individual_family', 'employer_group'];

/** The header's language switch saves an explicit choice; only without one does the member's preference apply. */
export function hasChosenLanguage(): boolean {
  try {
    return localStorage.getItem('settle.lang') !== null;
  } catch {
    return true;
  }
}

export function SignInPage() {
  const { t } = useTranslation();
  const org = useOrganization();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const { state, setSession } = useMember();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [planType, setPlanType] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  // Only an organization with both kinds of premium account asks which one.
  const askPlanType = PLAN_TYPES.every((p) => org.accountTypes.includes(p));

  if (state.status === 'signed-in' && !busy) return <Navigate to={returnTo} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const errors: FieldMsg[] = [];
    if (!email.trim()) errors.push({ id: 'email', key: 'signIn.errors.emailRequired' });
    if (!password) errors.push({ id: 'password', key: 'signIn.errors.passwordRequired' });
    if (errors.length > 0) {
      form.setErrors(errors);
      return;
    }
    const body: SignInBody = {
      email: email.trim(),
      password,
      ...(askPlanType && planType ? { planType: planType as PlanType } : {}),
    };
    setBusy(true);
    try {
      const { data } = await api.signIn(body);
      if ('status' in data) {
        // Two-step verification is on: the code comes next (the challenge lives in this history entry).
        navigate('/sign-in/two-step', { state: { challenge: data.challenge, returnTo } });
        return;
      }
      if (!hasChosenLanguage()) setLanguage(data.member.preferredLanguage);
      setSession(data);
      navigate(returnTo, { replace: true });
    } catch (err) {
      setBusy(false);
      if (isApiError(err) && err.code === 'sign_in_failed') {
        form.setErrors([{ id: 'password', key: 'signIn.errors.failed' }]);
      } else if (isApiError(err) && err.code === 'email_not_verified') {
        form.setErrors([
          { id: 'email', key: 'signIn.errors.notVerified', values: { email: body.email }, summaryOnly: true },
        ]);
      } else if (isApiError(err) && err.code === 'rate_limited') {
        const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
        form.setErrors([{ id: '', key: 'signIn.errors.rateLimited', values: { count: minutes } }]);
      } else if (isApiError(err) && err.code === 'validation_failed') {
        const fields = err.fields();
        const list: FieldMsg[] = [];
        if (fields.includes('email')) list.push({ id: 'email', key: 'signIn.errors.emailFormat' });
        if (fields.includes('password')) list.push({ id: 'password', key: 'signIn.errors.passwordRequired' });
        if (fields.includes('planType')) list.push({ id: 'plan-type', key: 'signIn.errors.planType' });
        form.setErrors(list.length > 0 ? list : [{ id: '', key: 'common.errors.unexpected' }]);
      } else if (isApiError(err) && err.code === 'network') {
        form.setErrors([{ id: '', key: 'common.errors.network' }]);
      } else {
        form.setErrors([{ id: '', key: 'common.errors.unexpected' }]);
      }
    }
  }

  return (
    <Page title={t('signIn.title')} error={form.hasErrors}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <form onSubmit={submit} noValidate>
        <EmailInput
          label={t('signIn.email')}
          error={form.fieldError('email')}
          value={email}
          onValue={setEmail}
          autoComplete="username"
          mobile
        />
        <PasswordInput
          id="password"
          name="password"
          label={t('signIn.password')}
          error={form.fieldError('password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
        />
        {askPlanType ? (
          <Radios
            idBase="plan-type"
            name="planType"
            legend={t('signIn.planType.legend')}
            hint={t('signIn.planType.hint')}
            error={form.fieldError('plan-type')}
            value={planType}
            onChange={setPlanType}
            options={PLAN_TYPES.map((p) => ({
              value: p,
              label: t(`signIn.planType.${p}.label`),
              hint: t(`signIn.planType.${p}.hint`),
            }))}
          />
        ) : null}
        <Button busy={busy}>{busy ? t('signIn.signingIn') : t('signIn.submit')}</Button>
      </form>
      <p>
        <Link to="/sign-in/forgot-password">{t('signIn.forgot')}</Link>
      </p>

      <h2 className="heading-m">{t('signIn.noAccountTitle')}</h2>
      <p>{t('signIn.noAccountBody')}</p>
      <p>
        <Link to="/register">{t('signIn.register')}</Link>
      </p>

      <h2 className="heading-m">{t('signIn.guestTitle')}</h2>
      <p>{t('signIn.guestBody')}</p>
      <p>
        <Link to="/pay">{t('signIn.guest')}</Link>
      </p>
    </Page>
  );
}
