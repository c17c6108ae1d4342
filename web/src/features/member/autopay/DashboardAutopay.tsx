import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { langOf } from '../../../format';
import { methodTitle } from '../wallet/labels';
import { AUTOPAY_PATH, accountTitle, ruleText, StatusTag, useAutopay, whenText } from './shared';

/** The dashboard's "Automatic payments": on, paused or off for each account where they are offered. */
export function DashboardAutopay() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const { accounts } = useAutopay(false);
  const shown = (accounts ?? []).filter((a) => a.availability.status !== 'unavailable');
  if (shown.length === 0) return null;
  return (
    <section aria-labelledby="autopay-title">
      <h2 className="heading-m" id="autopay-title">
        {t('autopay.dashboard.title')}
      </h2>
      <ul className="list--plain autopay-summary">
        {shown.map((a) => {
          const e = a.enrollment;
          return (
            <li key={a.accountId} className="autopay-summary__item">
              <p className="autopay-summary__what">
                {accountTitle(a, t)}{' '}
                {a.availability.status === 'available' ? <StatusTag enrollment={e} /> : null}
              </p>
              {a.availability.status === 'external' ? (
                <p className="secondary-text">{t('autopay.dashboard.external')}</p>
              ) : e?.status === 'paused' ? (
                <p>{t('autopay.dashboard.paused')}</p>
              ) : e?.status === 'active' ? (
                <p className="secondary-text">
                  {ruleText(e, t, lang)}, {whenText(e, t, lang).toLowerCase()}
                  {e.method ? ` · ${methodTitle(e.method, lang, t)}` : ''}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      <p>
        <Link to={AUTOPAY_PATH}>{t('autopay.dashboard.link')}</Link>
      </p>
    </section>
  );
}
