import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, isApiError } from '../../api';
import { Button } from '../../components/Button';
import { Page } from '../../components/Page';

type Outcome = 'verified' | 'invalid' | 'failed';

/**
 * One POST per token for the life of the page, however often the effect runs (React StrictMode
 * runs it twice in development): a link works only once, so a second POST would say "already used".
 */
const attempts = new Map<string, Promise<Outcome>>();

function verifyOnce(token: string): Promise<Outcome> {
  let attempt = attempts.get(token);
  if (!attempt) {
    attempt = api.verifyEmail(token).then(
      () => 'verified' as const,
      (err) => {
        // A failure that may pass (no connection, our error) can be tried again with the same link.
        attempts.delete(token);
        return isApiError(err) && (err.code === 'token_invalid' || err.code === 'validation_failed')
          ? ('invalid' as const)
          : ('failed' as const);
      },
    );
    attempts.set(token, attempt);
  }
  return attempt;
}

export function VerifyEmailPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token')?.trim() ?? '';
  const [outcome, setOutcome] = useState<Outcome | null>(token ? null : 'invalid');
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs it on "Try again"
  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    verifyOnce(token).then((result) => {
      if (!cancelled) setOutcome(result);
    });
    return () => {
      cancelled = true;
    };
  }, [token, attempt]);

  // The answer replaces the "Confirming" heading: move focus to the new one so it is read out.
  const answered = outcome !== null;
  useEffect(() => {
    if (!answered) return;
    const heading = document.querySelector<HTMLElement>('#main-content h1');
    if (!heading) return;
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }, [answered]);

  if (outcome === null) {
    return (
      <Page title={t('verifyEmail.checking')}>
        <h1 className="heading-l">{t('verifyEmail.checking')}</h1>
        <p className="lead" role="status">
          {t('common.loading')}
        </p>
      </Page>
    );
  }

  if (outcome === 'verified') {
    return (
      <Page title={t('verifyEmail.doneTitle')}>
        <div className="panel">
          <h1 className="panel__title">{t('verifyEmail.doneTitle')}</h1>
          <p className="panel__body">{t('verifyEmail.doneBody')}</p>
        </div>
        <p>{t('verifyEmail.doneNext')}</p>
        <Link to="/sign-in" className="button button--primary">
          {t('verifyEmail.signIn')}
        </Link>
      </Page>
    );
  }

  if (outcome === 'failed') {
    return (
      <Page title={t('verifyEmail.failedTitle')}>
        <h1 className="heading-l">{t('verifyEmail.failedTitle')}</h1>
        <p>{t('verifyEmail.failedBody')}</p>
        <Button
          type="button"
          onClick={() => {
            setOutcome(null);
            setAttempt((n) => n + 1);
          }}
        >
          {t('verifyEmail.tryAgain')}
        </Button>
      </Page>
    );
  }

  return (
    <Page title={t('verifyEmail.invalidTitle')}>
      <h1 className="heading-l">{t('verifyEmail.invalidTitle')}</h1>
      <p className="lead">{t('verifyEmail.invalidLead')}</p>
      <p>{t('verifyEmail.invalidAlready')}</p>
      <p>{t('verifyEmail.invalidNewLink')}</p>
      <p>{t('verifyEmail.invalidChange')}</p>
      <div className="button-group">
        <Link to="/sign-in" className="button button--primary">
          {t('verifyEmail.signIn')}
        </Link>
        <Link to="/register" className="link-button">
          {t('verifyEmail.registerAgain')}
        </Link>
      </div>
    </Page>
  );
}
