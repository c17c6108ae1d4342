import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../components/Page';
import { useOrganizationState } from '../organization';

export function NotFoundPage() {
  const { t } = useTranslation();
  const org = useOrganizationState();
  return (
    <Page title={t('notFound.title')}>
      <h1 className="heading-l">{t('notFound.title')}</h1>
      <p>{t('notFound.typed')}</p>
      <p>{t('notFound.pasted')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
      {org.status === 'ready' ? (
        <p>
          {t('notFound.call')}{' '}
          <a href={`tel:${org.org.support.phone.replace(/[^\d+]/g, '')}`} className="nowrap">
            {org.org.support.phone}
          </a>
          .
        </p>
      ) : null}
    </Page>
  );
}
