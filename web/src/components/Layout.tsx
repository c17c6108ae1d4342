import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { AccountNav, ServiceNav } from '../features/member/AccountNav';
import { langOf } from '../format';
import { setLanguage } from '../i18n';
import { useOrganizationState } from '../organization';

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = langOf(i18n.language);
  const languages = [
    { code: 'en', name: 'English' },
    { code: 'es', name: 'Español' },
  ] as const;
  return (
    <nav className="language-switch" aria-label={t('layout.languageNav')}>
      <ul>
        {languages.map((l) => (
          <li key={l.code}>
            {l.code === current ? (
              <span className="language-switch__current" aria-current="true" lang={l.code}>
                {l.name}
              </span>
            ) : (
              <button
                type="button"
                className="language-switch__button"
                lang={l.code}
                onClick={() => setLanguage(l.code)}
              >
                <span className="visually-hidden">{l.code === 'es' ? 'Cambiar a ' : 'Change to '}</span>
                {l.name}
              </button>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Moves focus to the new page's heading after client-side navigation, as a full page load would. */
function useFocusOnNavigate() {
  const location = useLocation();
  const shown = useRef(location.pathname);
  useEffect(() => {
    // Only a real change of page (not the first render, nor React re-running the effect).
    if (shown.current === location.pathname) return;
    shown.current = location.pathname;
    const main = document.getElementById('main-content');
    // A page that already put focus somewhere inside itself (e.g. its error summary) keeps it.
    if (
      main &&
      document.activeElement &&
      main.contains(document.activeElement) &&
      document.activeElement !== main
    )
      return;
    window.scrollTo(0, 0);
    const heading = main?.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    } else main?.focus({ preventScroll: true });
  }, [location.pathname]);
}

export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const org = useOrganizationState();
  const lang = langOf(i18n.language);
  useFocusOnNavigate();
  return (
    <>
      <a href="#main-content" className="skip-link">
        {t('layout.skipLink')}
      </a>
      <header className="header">
        <div className="header__inner">
          <Link to="/" className="header__brand">
            <span className="header__logo" aria-hidden="true" />
            <span className="header__name">
              {org.status === 'ready' ? org.org.name : t('common.serviceName')}
            </span>
          </Link>
          <div className="header__tools">
            <AccountNav />
            <LanguageSwitch />
          </div>
        </div>
        <ServiceNav />
      </header>
      <div className="container">
        <main id="main-content" className="main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <footer className="footer">
        <div className="footer__inner">
          {org.status === 'ready' ? (
            <>
              <h2 className="footer__title">{t('layout.helpTitle')}</h2>
              <p>
                {t('layout.helpCall')}{' '}
                <a href={`tel:${org.org.support.phone.replace(/[^\d+]/g, '')}`} className="nowrap">
                  {org.org.support.phone}
                </a>{' '}
                ({t('layout.tty')} {org.org.support.tty}). {org.org.support.hours[lang]}
              </p>
              <p className="footer__small">
                © {org.org.name}. {t('layout.secureNote')}
              </p>
            </>
          ) : null}
        </div>
      </footer>
    </>
  );
}
