import type { PaymentView } from '@contract/payments/payments.schema';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { formatDate, money } from '../../format';

// Kept apart from Confirmation.tsx: the guest session guard shows this page, and the guard is part
// of the first page's JavaScript; importing it from Confirmation would bring the card and bank
// forms into the home page's download.

/** What Back to a review or payment page shows once that payment went through: never the form again. */
export function AlreadyPaidPage({
  payment,
  confirmationTo,
  children,
}: {
  payment: PaymentView;
  confirmationTo: string;
  /** The second way on ("Pay another bill", "Back to your account"). */
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Page title={t('alreadyPaid.title')}>
      <h1 className="heading-l">{t('alreadyPaid.title')}</h1>
      <p className="lead">
        {t('alreadyPaid.body', {
          amount: money(payment.amountCents, i18n.language),
          date: formatDate(payment.paidOn, i18n.language),
        })}
      </p>
      <p>
        {t('alreadyPaid.confirmation')}{' '}
        <strong className="confirmation-number">{payment.confirmationNumber}</strong>
      </p>
      <p>{t('alreadyPaid.noDouble')}</p>
      <div className="button-group">
        <Link to={confirmationTo} className="button button--primary">
          {t('alreadyPaid.viewConfirmation')}
        </Link>
        {children}
      </div>
    </Page>
  );
}
