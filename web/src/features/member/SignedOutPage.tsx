import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { useMember } from './session';

/**
 * "Sign out" comes here, and this page ends the session (on the server and in this tab). Doing it
 * here rather than before navigating keeps the account page from seeing "signed out" first and
 * sending the person to the sign-in page instead.
 */
export function SignedOutPage() {
  const { t } = useTranslation();
  const { state, signOut } = useMember();
  const done = useRef(false);
  useEffect(() => {
    if (done.current || state.status !== 'signed-in') return;
    done.current = true;
    void signOut();
  }, [state.status, signOut]);
  return (
    <Page title={t('signedOut.title')}>
      <h1 className="heading-l">{t('signedOut.title')}</h1>
      <p className="lead">{t('signedOut.body')}</p>
      <p>{t('signedOut.shared')}</p>
      <div className="button-group">
        <Link to="/sign-in" className="button button--primary">
          {t('signedOut.signIn')}
        </Link>
        <Link to="/" className="link-button">
          {t('finish.home')}
        </Link>
      </div>
    </Page>
  );
}
