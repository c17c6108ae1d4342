import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api';
import { Button } from '../../components/Button';
import { ModalDialog, useSessionCountdown } from '../../components/ModalDialog';
import { updateJourney, useJourney } from './journey';
import { useSessionExpiry } from './session';

/**
 * WCAG 2.2.1: before the guest session times out, a dialog offers to keep it ("Stay signed in")
 * so nobody loses their place while finding a card.
 */
export function TimeoutWarning() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const onExpired = useSessionExpiry();
  const session = useJourney().session;
  const countdown = useSessionCountdown(session ? Date.parse(session.expiresAt) : null, () =>
    navigate('/pay/session-ended', { replace: true }),
  );

  if (!session) return null;

  async function stay() {
    if (!session) return;
    countdown.dismiss();
    countdown.setOpen(false);
    try {
      const { data } = await api.bills(session.token);
      updateJourney((j) =>
        j.session ? { ...j, bills: data.bills, session: { ...j.session, expiresAt: data.expiresAt } } : j,
      );
    } catch (err) {
      onExpired(err);
    }
  }

  return (
    <ModalDialog open={countdown.open} idBase="timeout" onCancel={() => void stay()}>
      <h2 className="heading-m" id="timeout-title">
        {t('timeout.title')}
      </h2>
      <p id="timeout-body">{t('timeout.body', { count: countdown.minutes })}</p>
      <div className="button-group">
        <Button type="button" onClick={stay} autoFocus>
          {t('timeout.stay')}
        </Button>
        <Button type="button" variant="link" onClick={() => navigate('/pay/finish')}>
          {t('timeout.signOut')}
        </Button>
      </div>
    </ModalDialog>
  );
}
