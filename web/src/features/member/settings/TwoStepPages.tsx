import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { TextInput } from '../../../components/Field';
import { Page } from '../../../components/Page';
import { PasswordInput } from '../../../components/PasswordInput';
import { QrCode } from '../../../components/QrCode';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { readSecondFactor } from '../SecondFactorFields';
import { useMemberExpiry, useMemberSession } from '../session';
import { useRefreshSession } from './SettingsPage';

/** The secret as people type it: groups of 4 letters. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

function problemOf(err: unknown): FieldMsg {
  if (isApiError(err) && err.code === 'network') return { id: '', key: 'common.errors.network' };
  if (isApiError(err) && err.code === 'rate_limited')
    return {
      id: '',
      key: 'twoStep.errors.rateLimited',
      values: { count: Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60)) },
    };
  return { id: '', key: 'common.errors.unexpected' };
}

type Stage =
  | { step: 'intro' }
  | { step: 'setup'; secret: string; uri: string }
  | { step: 'codes'; codes: string[] };

/** /account/settings/two-step: a setup key for the app, a code to prove it, recovery codes once. */
export function TwoStepSetupPage() {
  const { t } = useTranslation();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const refresh = useRefreshSession();
  const [stage, setStage] = useState<Stage>({ step: 'intro' });
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const back = <BackLink to="/account/settings" label={t('settings.back')} />;

  if (session.twoStepEnabled && stage.step !== 'codes') {
    return (
      <Page title={t('settings.twoStep.alreadyOn')} back={back}>
        <h1 className="heading-l">{t('settings.twoStep.alreadyOn')}</h1>
        <p>{t('settings.twoStep.onBody')}</p>
        <Link to="/account/settings" className="button button--secondary">
          {t('settings.back')}
        </Link>
      </Page>
    );
  }

  async function start() {
    if (busy) return;
    setBusy(true);
    try {
      const { data } = await api.twoStepSetup(session.csrfToken);
      form.setErrors([]);
      setCode('');
      setStage({ step: 'setup', secret: data.secret, uri: data.otpauthUri });
    } catch (err) {
      if (!onExpired(err)) form.setErrors([problemOf(err)]);
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const read = readSecondFactor('setup', 'code', code);
    if ('error' in read || !read.body.code) {
      form.setErrors([
        'error' in read ? read.error : { id: 'setup-code', key: 'twoStep.errors.codeRequired' },
      ]);
      return;
    }
    setBusy(true);
    try {
      const { data } = await api.twoStepConfirm(session.csrfToken, read.body.code);
      form.setErrors([]);
      setStage({ step: 'codes', codes: data.recoveryCodes });
      await refresh();
    } catch (err) {
      if (onExpired(err)) return;
      const noSetup = isApiError(err) && err.problem.errors?.some((x) => x.code === 'no_setup');
      if (noSetup) {
        setStage({ step: 'intro' });
        form.setErrors([{ id: '', key: 'settings.twoStep.errors.noSetup' }]);
      } else if (isApiError(err) && err.code === 'validation_failed') {
        form.setErrors([{ id: 'setup-code', key: 'twoStep.errors.wrongCode' }]);
      } else form.setErrors([problemOf(err)]);
    } finally {
      setBusy(false);
    }
  }

  if (stage.step === 'codes') {
    const text = stage.codes.join('\n');
    return (
      <Page title={t('settings.twoStep.doneTitle')}>
        <div className="panel">
          <h1 className="panel__title">{t('settings.twoStep.doneTitle')}</h1>
          <p className="panel__body">{t('settings.twoStep.doneBody')}</p>
        </div>
        <h2 className="heading-m">{t('settings.twoStep.codesTitle')}</h2>
        <p>{t('settings.twoStep.codesBody')}</p>
        <div className="inset">
          <p>{t('settings.twoStep.codesOnce')}</p>
        </div>
        <ul className="recovery-codes" aria-label={t('settings.twoStep.codesTitle')}>
          {stage.codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <div className="button-group no-print">
          <Button type="button" variant="secondary" onClick={() => window.print()}>
            {t('settings.twoStep.print')}
          </Button>
          <a
            className="button button--secondary"
            href={`data:text/plain;charset=utf-8,${encodeURIComponent(`${text}\n`)}`}
            download="recovery-codes.txt"
          >
            {t('settings.twoStep.download')}
          </a>
        </div>
        <Link
          to="/account/settings"
          state={{ notice: { key: 'settings.twoStep.turnedOn' } }}
          className="button button--primary no-print"
        >
          {t('settings.twoStep.savedCodes')}
        </Link>
      </Page>
    );
  }

  const title = t('settings.twoStep.setupTitle');
  return (
    <Page title={title} error={form.hasErrors} back={back}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      {stage.step === 'intro' ? (
        <>
          <p className="lead">{t('settings.twoStep.introLead')}</p>
          <p>{t('settings.twoStep.introApp')}</p>
          <p>{t('settings.twoStep.introPassword')}</p>
          <Button type="button" busy={busy} onClick={start}>
            {t('settings.twoStep.start')}
          </Button>
        </>
      ) : (
        <>
          <ol className="list list--number">
            <li>{t('settings.twoStep.step1')}</li>
            <li>
              {t('settings.twoStep.step2')}
              <QrCode text={stage.uri} label={t('settings.twoStep.qrLabel')} />
              {/* Many people cannot scan (an older phone, or this is the phone): the same key as text. */}
              <span className="qr-alternative">{t('settings.twoStep.typeKey')}</span>
              <span className="secret-key">
                <span className="visually-hidden">{t('settings.twoStep.keyLabel')}: </span>
                <span translate="no">{groupSecret(stage.secret)}</span>
              </span>
              <span className="secondary-text">
                {t('settings.twoStep.keyDetails', { email: session.member.email })}
              </span>
            </li>
            <li>{t('settings.twoStep.step3')}</li>
          </ol>
          <p>
            <a href={stage.uri}>{t('settings.twoStep.openApp')}</a>
          </p>
          <form onSubmit={confirm} noValidate>
            <TextInput
              id="setup-code"
              name="code"
              label={t('settings.twoStep.codeLabel')}
              hint={t('twoStep.codeHint')}
              error={form.fieldError('setup-code')}
              value={code}
              onChange={(e) => {
                setCode(e.target.value);
                form.clearField('setup-code');
              }}
              inputMode="numeric"
              autoComplete="one-time-code"
              spellCheck={false}
              maxLength={9}
              width="5"
            />
            <Button busy={busy}>{t('settings.twoStep.confirm')}</Button>
          </form>
        </>
      )}
    </Page>
  );
}

/** /account/settings/two-step/turn-off: with the password, so a session left open is not enough. */
export function TwoStepOffPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const refresh = useRefreshSession();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const back = <BackLink to="/account/settings" label={t('settings.back')} />;

  if (!session.twoStepEnabled) {
    return (
      <Page title={t('settings.twoStep.alreadyOff')} back={back}>
        <h1 className="heading-l">{t('settings.twoStep.alreadyOff')}</h1>
        <Link to="/account/settings" className="button button--secondary">
          {t('settings.back')}
        </Link>
      </Page>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!password) {
      form.setErrors([{ id: 'password', key: 'settings.password.errors.currentRequired' }]);
      return;
    }
    setBusy(true);
    try {
      await api.twoStepDisable(session.csrfToken, password);
      await refresh();
      navigate('/account/settings', { state: { notice: { key: 'settings.twoStep.turnedOff' } } });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      form.setErrors([
        isApiError(err) && err.code === 'validation_failed'
          ? { id: 'password', key: 'settings.password.errors.wrongCurrent' }
          : problemOf(err),
      ]);
    }
  }

  const title = t('settings.twoStep.offTitle');
  return (
    <Page title={title} error={form.hasErrors} back={back}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      <p>{t('settings.twoStep.offWarning')}</p>
      <form onSubmit={submit} noValidate>
        <PasswordInput
          id="password"
          name="password"
          label={t('settings.password.current')}
          error={form.fieldError('password')}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            form.clearField('password');
          }}
          autoComplete="current-password"
        />
        <div className="button-group">
          <Button variant="warning" busy={busy}>
            {t('settings.twoStep.turnOff')}
          </Button>
          <Link to="/account/settings" className="link-button">
            {t('stepUp.cancel')}
          </Link>
        </div>
      </form>
    </Page>
  );
}
