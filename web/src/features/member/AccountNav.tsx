import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useMember } from './session';

/** The header's account links: the member's name and "Sign out", or "Sign in". */
export function AccountNav() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { state } = useMember();

  // While the session is being checked, show nothing rather than a "Sign in" that then changes.
  if (state.status === 'checking') return <div className="account-nav" />;

  // The signed-out page ends the session.
  const onSignOut = () => navigate('/signed-out');

  return (
    <nav className="account-nav" aria-label={t('accountNav.label')}>
      <ul>
        {state.status === 'signed-in' ? (
          <>
            <li>
              <Link to="/account" className="account-nav__link">
                <span className="visually-hidden">{t('accountNav.signedInAs')} </span>
                {state.session.member.firstName} {state.session.member.lastName}
              </Link>
            </li>
            <li>
              <button type="button" className="account-nav__button" onClick={onSignOut}>
                {t('accountNav.signOut')}
              </button>
            </li>
          </>
        ) : (
          <li>
            <Link to="/sign-in" className="account-nav__link">
              {t('accountNav.signIn')}
            </Link>
          </li>
        )}
      </ul>
    </nav>
  );
}
