import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
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

const PAGES = [
  { to: '/account', label: 'serviceNav.home' },
  { to: '/account/bills', label: 'serviceNav.bills' },
  { to: '/account/scheduled-payments', label: 'scheduled.nav' },
  { to: '/account/autopay', label: 'autopay.nav' },
  { to: '/account/payment-methods', label: 'serviceNav.wallet' },
  { to: '/account/profile', label: 'serviceNav.profile' },
  { to: '/account/settings', label: 'serviceNav.settings' },
] as const;

/** The account's pages, under the header while a member is signed in. */
export function ServiceNav() {
  const { t } = useTranslation();
  const { state } = useMember();
  const { pathname } = useLocation();
  if (state.status !== 'signed-in') return null;
  const current = (to: string) =>
    to === '/account' ? pathname === '/account' : pathname === to || pathname.startsWith(`${to}/`);
  return (
    <nav className="service-nav" aria-label={t('serviceNav.label')}>
      <ul>
        {PAGES.map((p) => (
          <li key={p.to}>
            <Link to={p.to} aria-current={current(p.to) ? 'page' : undefined}>
              {t(p.label)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
