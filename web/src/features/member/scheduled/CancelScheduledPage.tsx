import type { ScheduledPaymentView } from '@contract/scheduled/scheduled.schema';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../../api';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Page } from '../../../components/Page';
import { useFormErrors } from '../../../components/useFormErrors';
import { useMemberExpiry, useMemberSession } from '../session';
import { lockedView, scheduledProblem } from './problems';
import { amountOnDate, SCHEDULED_PATH, ScheduledFacts, type ScheduledNotice } from './shared';
import { BackToScheduled, WithScheduledPayment } from './WithScheduledPayment';

/** /account/scheduled-payments/:id/cancel — "Are you sure?" before a scheduled payment is canceled. */
export function CancelScheduledPage() {
  return (
    <WithScheduledPayment>
      {(view, setView) => <CancelForm view={view} onLocked={setView} />}
    </WithScheduledPayment>
  );
}

function CancelForm({
  view,
  onLocked,
}: {
  view: ScheduledPaymentView;
  onLocked: (view: ScheduledPaymentView) => void;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const title = t('scheduled.cancel.title', amountOnDate(view, i18n.language));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const { data } = await api.cancelScheduledPayment(session.csrfToken, view.id);
      const notice: ScheduledNotice = {
        key: 'scheduled.cancel.done',
        amountCents: data.amountCents,
        payOn: data.payOn,
      };
      navigate(SCHEDULED_PATH, { state: { scheduledNotice: notice } });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      const locked = lockedView(err, view);
      if (locked) {
        onLocked(locked);
        return;
      }
      form.setErrors([scheduledProblem(err)]);
    }
  }

  return (
    <Page title={title} error={form.hasErrors} back={<BackToScheduled />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      <ScheduledFacts view={view} />
      <p>{t('scheduled.cancel.body')}</p>
      <form onSubmit={submit} noValidate>
        <div className="button-group">
          <Button variant="warning" busy={busy}>
            {busy ? t('scheduled.cancel.canceling') : t('scheduled.cancel.yes')}
          </Button>
          <Link to={SCHEDULED_PATH} className="link-button">
            {t('scheduled.cancel.no')}
          </Link>
        </div>
      </form>
    </Page>
  );
}
