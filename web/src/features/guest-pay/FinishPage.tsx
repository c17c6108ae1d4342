import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api';
import { Page } from '../../components/Page';
import { getJourney } from './journey';
import { endSessionLocally } from './session';

/** "Finish": ends the guest session on the server and in this tab. */
export function FinishPage() {
  const { t } = useTranslation();
  const done = useRef(false);
  useEffect(() => {
    if (done.current) return;
    done.current = true;
    const token = getJourney().session?.token;
    endSessionLocally();
    if (token) api.endSession(token).catch(() => undefined);
  }, []);
  return (
    <Page title={t('finish.title')}>
      <h1 className="heading-l">{t('finish.title')}</h1>
      <p className="lead">{t('finish.body')}</p>
      <p>{t('finish.close')}</p>
      <Link to="/" className="button button--secondary">
        {t('finish.home')}
      </Link>
    </Page>
  );
}
