import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { lastPayment, resetJourney, useJourney } from './journey';
import { endSessionLocally } from './session';

export function SessionEndedPage() {
  const { t } = useTranslation();
  const journey = useJourney();
  const paid = lastPayment(journey);
  useEffect(() => {
    endSessionLocally();
  }, []);
  return (
    <Page title={t('sessionEnded.title')}>
      <h1 className="heading-l">{t('sessionEnded.title')}</h1>
      <p className="lead">{t('sessionEnded.body')}</p>
      <p>{t('sessionEnded.nothingCharged')}</p>
      {paid ? (
        <p>
          {t('sessionEnded.lastPayment')}{' '}
          <Link to={`/pay/confirmation/${paid.id}`}>{paid.confirmationNumber}</Link>
        </p>
      ) : null}
      <Link to="/pay/region" className="button button--primary" onClick={() => resetJourney()}>
        {t('sessionEnded.startAgain')}
      </Link>
    </Page>
  );
}
