import type { BillView } from '@contract/bills/bills.schema';
import { useTranslation } from 'react-i18next';
import { Money } from '../../components/Money';
import { formatDate } from '../../format';

/** A bill's charges: a table on wide screens, a list on narrow ones. */
export function LineItems({ bill }: { bill: BillView }) {
  const { t, i18n } = useTranslation();
  if (bill.lines.length === 0) return null;
  // A premium has no insurance payment; its adjustment is a subsidy or discount, not a negotiated rate.
  const premium = bill.kind === 'premium';
  const labels = premium
    ? {
        charge: t('bills.lines.premiumCharge'),
        adjustment: t('bills.lines.premiumAdjustment'),
        youOwe: t('bills.lines.youOwe'),
      }
    : {
        charge: t('bills.lines.charge'),
        insurancePaid: t('bills.lines.insurancePaid'),
        adjustment: t('bills.lines.adjustment'),
        youOwe: t('bills.lines.youOwe'),
      };
  // What the plan and insurance took off is shown as a minus, so the columns read as a sum.
  const amounts = (line: BillView['lines'][number]) => [
    { key: 'charge', label: labels.charge, cents: line.chargeCents },
    ...(premium
      ? []
      : [
          {
            key: 'insurancePaid',
            label: t('bills.lines.insurancePaid'),
            cents: -Math.abs(line.insurancePaidCents),
          },
        ]),
    { key: 'adjustment', label: labels.adjustment, cents: -Math.abs(line.adjustmentCents) },
    { key: 'youOwe', label: labels.youOwe, cents: line.youOweCents },
  ];
  const caption = t('bills.lines.caption', { number: bill.number });
  const rows = bill.lines.map((line, n) => ({ line, rowKey: `${bill.id}-${n}` }));
  return (
    <>
      <table className="line-items">
        <caption className="line-items__caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{premium ? t('bills.lines.premiumItem') : t('bills.lines.service')}</th>
            {Object.values(labels).map((h) => (
              <th key={h} scope="col" className="num">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ line, rowKey }) => (
            <tr key={rowKey}>
              <th scope="row" className="line-items__service">
                {line.description}
                {line.serviceDate ? (
                  <span className="line-items__date">
                    {formatDate(line.serviceDate, i18n.language, 'medium')}
                  </span>
                ) : null}
              </th>
              {amounts(line).map((a) => (
                <td key={a.key} className={a.key === 'youOwe' ? 'num line-items__owe' : 'num'}>
                  <Money cents={a.cents} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="line-list">
        <p className="line-list__title">{caption}</p>
        <ul className="list--plain">
          {rows.map(({ line, rowKey }) => (
            <li className="line-list__item" key={rowKey}>
              <strong>{line.description}</strong>
              {line.serviceDate ? (
                <span className="line-items__date">
                  {formatDate(line.serviceDate, i18n.language, 'medium')}
                </span>
              ) : null}
              <dl>
                {amounts(line).map((a) => (
                  <div
                    key={a.key}
                    className={a.key === 'youOwe' ? 'line-list__row line-list__row--owe' : 'line-list__row'}
                  >
                    <dt>{a.label}</dt>
                    <dd>
                      <Money cents={a.cents} />
                    </dd>
                  </div>
                ))}
              </dl>
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
