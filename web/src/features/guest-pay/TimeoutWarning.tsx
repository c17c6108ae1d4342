import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api';
import { Button } from '../../components/Button';
import { updateJourney, useJourney } from './journey';
import { useSessionExpiry } from './session';

const WARN_BEFORE_MS = 2 * 60 * 1000;

/**
 * WCAG 2.2.1: before the guest session times out, a dialog offers to keep it ("Stay signed in")
 * so nobody loses their place while finding a card.
 */
export function TimeoutWarning() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const onExpired = useSessionExpiry();
  const journey = useJourney();
  const session = journey.session;
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [remaining, setRemaining] = useState(0);
  const dismissedFor = useRef<string | null>(null);

  useEffect(() => {
    if (!session) return;
    const tick = () => {
      const left = Date.parse(session.expiresAt) - Date.now();
      setRemaining(left);
      if (left <= 0) {
        setOpen(false);
        navigate('/pay/session-ended', { replace: true });
      } else if (left <= WARN_BEFORE_MS && dismissedFor.current !== session.expiresAt) {
        setOpen(true);
      } else if (left > WARN_BEFORE_MS) {
        // The session was extended (e.g. by another tab or a refresh of the bills).
        setOpen(false);
      }
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [session, navigate]);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  if (!session) return null;

  async function stay() {
    if (!session) return;
    dismissedFor.current = session.expiresAt;
    setOpen(false);
    try {
      const { data } = await api.bills(session.token);
      updateJourney((j) =>
        j.session ? { ...j, bills: data.bills, session: { ...j.session, expiresAt: data.expiresAt } } : j,
      );
    } catch (err) {
      onExpired(err);
    }
  }

  const minutes = Math.max(1, Math.ceil(remaining / 60000));
  return (
    <dialog
      ref={dialog}
      className="timeout-dialog"
      aria-labelledby="timeout-title"
      aria-describedby="timeout-body"
      onCancel={(e) => {
        e.preventDefault();
        void stay();
      }}
    >
      {open ? (
        <>
          <h2 className="heading-m" id="timeout-title">
            {t('timeout.title')}
          </h2>
          <p id="timeout-body">{t('timeout.body', { count: minutes })}</p>
          <div className="button-group">
            <Button type="button" onClick={stay} autoFocus>
              {t('timeout.stay')}
            </Button>
            <Button type="button" variant="link" onClick={() => navigate('/pay/finish')}>
              {t('timeout.signOut')}
            </Button>
          </div>
        </>
      ) : null}
    </dialog>
  );
}
