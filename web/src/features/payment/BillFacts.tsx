import { useTranslation } from 'react-i18next';
import { Money } from '../../components/Money';
import { formatDate } from '../../format';
import { Fact } from './ChooseBills';

/** The facts about a bill that every view of it shows (the guest's, the member's, staff's). */
export interface BillFactsSource {
  kind: string;
  visitDate: string | null;
  coverageStart: string | null;
  coverageEnd: string | null;
  provider: string | null;
  facility?: string | null;
  patientName: string;
  amountCents: number;
  balanceCents: number;
}

/** Coverage period for a premium, otherwise the visit date (when there is one). */
export function BillPeriodFact({ bill }: { bill: BillFactsSource }) {
  const { t, i18n } = useTranslation();
  if (bill.kind === 'premium' && bill.coverageStart && bill.coverageEnd)
    return (
      <Fact label={t('bills.coverage')}>
        {t('bills.period', {
          start: formatDate(bill.coverageStart, i18n.language),
          end: formatDate(bill.coverageEnd, i18n.language),
        })}
      </Fact>
    );
  if (bill.visitDate)
    return <Fact label={t('bills.visitDate')}>{formatDate(bill.visitDate, i18n.language)}</Fact>;
  return null;
}

/** Who, when, where and the billed amount, as a compact summary list on a bill card. */
export function BillFacts({ bill, withPatient = false }: { bill: BillFactsSource; withPatient?: boolean }) {
  const { t } = useTranslation();
  return (
    <dl className="summary-list summary-list--compact bill-card__facts">
      {withPatient ? (
        <Fact label={bill.kind === 'premium' ? t('bills.member') : t('bills.patient')}>
          {bill.patientName}
        </Fact>
      ) : null}
      <BillPeriodFact bill={bill} />
      {bill.provider ? <Fact label={t('bills.provider')}>{bill.provider}</Fact> : null}
      {bill.facility ? <Fact label={t('bills.facility')}>{bill.facility}</Fact> : null}
      {bill.amountCents !== bill.balanceCents ? (
        <Fact label={t('bills.billedAmount')}>
          <Money cents={bill.amountCents} />
        </Fact>
      ) : null}
    </dl>
  );
}
