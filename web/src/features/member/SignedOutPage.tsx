import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { useMember } from './session';

/**
 * A page that ends what is left of the session once it is shown (on the server and in this tab).
 * Doing it here rather than before navigating keeps the account page from seeing "signed out"
 * first and sending the person to the sign-in page instead.
 */
function SessionOverPage({ texts }: { texts: 'signedOut' | 'memberSessionEnded' }) {
  const { t } = useTranslation();
  const { state, signOut } = useMember();
  const done = useRef(false);
  useEffect(() => {
    if (done.current || state.status !== 'signed-in') return;
    done.current = true;
    void signOut();
  }, [state.status, signOut]);
  return (
    <Page title={t(`${texts}.title`)}>
      <h1 className="heading-l">{t(`${texts}.title`)}</h1>
      <p className="lead">{t(`${texts}.body`)}</p>
      <p>{texts === 'signedOut' ? t('signedOut.shared') : t('memberSessionEnded.nothingLost')}</p>
      <div className="button-group">
        <Link to="/sign-in" className="button button--primary">
          {t(`${texts}.signIn`)}
        </Link>
        <Link to="/" className="link-button">
          {t('finish.home')}
        </Link>
      </div>
    </Page>
  );
}

/** "Sign out" comes here. */
export function SignedOutPage() {
  return <SessionOverPage texts="signedOut" />;
}

/** Where the time-out (or any 401 on a member page) lands. */
export function MemberSessionEndedPage() {
  return <SessionOverPage texts="memberSessionEnded" />;
}
