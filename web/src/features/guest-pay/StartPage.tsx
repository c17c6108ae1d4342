import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { formatList, langOf } from '../../format';
import { useOrganization } from '../../organization';
import { brandLabel } from '../payment/brands';
import { resetJourney } from './journey';

export function StartPage() {
  const { t, i18n } = useTranslation();
  const org = useOrganization();
  const lang = langOf(i18n.language);
  const brands = formatList(
    org.payments.acceptedCardBrands.map((b) => brandLabel(b, lang)),
    lang,
  );
  const regions = org.regions.filter((r) => r.guestPayment.medical || r.guestPayment.premium);
  // When every region keeps the same hours, say them once rather than on every line.
  const firstHours = regions[0]?.hours[lang];
  const sameHours = firstHours && regions.every((r) => r.hours[lang] === firstHours) ? firstHours : null;
  return (
    <Page title={t('start.title')}>
      <h1 className="heading-xl">{t('start.title')}</h1>
      <p className="lead">{t('start.lead')}</p>
      <p>{t('start.noSignIn')}</p>
      <Link to="/pay/region" className="button button--primary button--start" onClick={() => resetJourney()}>
        {t('start.startButton')}
        <svg
          className="button__arrow"
          aria-hidden="true"
          focusable="false"
          viewBox="0 0 33 40"
          width="17"
          height="19"
        >
          <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
        </svg>
      </Link>

      <h2 className="heading-m">{t('start.beforeTitle')}</h2>
      <ul className="list list--bullet">
        <li>{t('start.beforeBill')}</li>
        <li>
          {org.payments.bankAccounts
            ? t('start.beforeMethodsBank', { brands })
            : t('start.beforeMethods', { brands })}
        </li>
        <li>{t('start.beforeTime')}</li>
      </ul>

      <h2 className="heading-m">{t('start.helpTitle')}</h2>
      <p>{t('start.helpIntro')}</p>
      {sameHours ? <p className="contact-hours">{t('start.allHours', { hours: sameHours })}</p> : null}
      <ul className="contact-list">
        {regions.map((r) => (
          <li key={r.id} className="contact-list__item">
            <span className="contact-list__region">{r.name[lang]}</span>
            <a className="contact-list__phone" href={`tel:${r.phone.replace(/[^\d+]/g, '')}`}>
              {r.phone}
            </a>
            {sameHours ? null : <span className="contact-list__hours">{r.hours[lang]}</span>}
          </li>
        ))}
      </ul>
      <p>
        {t('start.helpGeneral')}{' '}
        <a href={`tel:${org.support.phone.replace(/[^\d+]/g, '')}`} className="nowrap">
          {org.support.phone}
        </a>{' '}
        ({t('layout.tty')} {org.support.tty}). {org.support.hours[lang]}
      </p>
    </Page>
  );
}
