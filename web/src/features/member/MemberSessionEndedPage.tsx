import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { useMember } from './session';

/**
 * Where the time-out (or any 401 on a member page) lands. It ends what is left of the session
 * here, after leaving the account page, for the same reason as the signed-out page.
 */
export function MemberSessionEndedPage() {
  const { t } = useTranslation();
  const { state, signOut } = useMember();
  const done = useRef(false);
  useEffect(() => {
    if (done.current || state.status !== 'signed-in') return;
    done.current = true;
    void signOut();
  }, [state.status, signOut]);
  return (
    <Page title={t('memberSessionEnded.title')}>
      <h1 className="heading-l">{t('memberSessionEnded.title')}</h1>
      <p className="lead">{t('memberSessionEnded.body')}</p>
      <p>{t('memberSessionEnded.nothingLost')}</p>
      <div className="button-group">
        <Link to="/sign-in" className="button button--primary">
          {t('memberSessionEnded.signIn')}
        </Link>
        <Link to="/" className="link-button">
          {t('finish.home')}
        </Link>
      </div>
    </Page>
  );
}
