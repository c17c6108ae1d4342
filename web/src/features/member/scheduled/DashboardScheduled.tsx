import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { amountOnDate, isUpcoming, MethodText, SCHEDULED_PATH, useScheduledPayments } from './shared';

/** The dashboard's "Scheduled payments": those still to come, or nothing at all when there are none. */
export function DashboardScheduled() {
  const { t, i18n } = useTranslation();
  const { list } = useScheduledPayments();
  const upcoming = list?.filter(isUpcoming) ?? [];
  if (upcoming.length === 0) return null;
  return (
    <section aria-labelledby="scheduled-title">
      <h2 className="heading-m" id="scheduled-title">
        {t('scheduled.dashboard.title')}
      </h2>
      <ul className="list--plain scheduled-summary">
        {upcoming.map((s) => (
          <li key={s.id} className="scheduled-summary__item">
            <p className="scheduled-summary__what">
              {t('scheduled.list.item', amountOnDate(s, i18n.language))}
            </p>
            <p className="secondary-text">
              {s.bills.map((b) => `${t(`bills.kind.${b.kind}`)} ${b.number}`).join(', ')} ·{' '}
              <MethodText view={s} />
            </p>
          </li>
        ))}
      </ul>
      <p>
        <Link to={SCHEDULED_PATH}>{t('scheduled.dashboard.seeAll')}</Link>
      </p>
    </section>
  );
}
