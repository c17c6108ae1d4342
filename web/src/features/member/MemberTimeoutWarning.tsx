import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, isApiError } from '../../api';
import { Button } from '../../components/Button';
import { useMember } from './session';

const WARN_BEFORE_MS = 2 * 60 * 1000;

/** When the session ends: after a while without activity, or at its fixed limit, whichever comes first. */
function endsAt(session: { idleExpiresAt: string; absoluteExpiresAt: string }): number {
  return Math.min(Date.parse(session.idleExpiresAt), Date.parse(session.absoluteExpiresAt));
}

/**
 * WCAG 2.2.1: two minutes before a member's session ends, a dialog offers "Stay signed in". At the
 * fixed limit no refresh can help, so the dialog then only says when it will happen.
 */
export function MemberTimeoutWarning() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { state, setSession, endLocally } = useMember();
  const session = state.status === 'signed-in' ? state.session : null;
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [remaining, setRemaining] = useState(0);
  const [busy, setBusy] = useState(false);
  const dismissedFor = useRef<number | null>(null);

  useEffect(() => {
    if (!session) {
      setOpen(false);
      return;
    }
    const end = endsAt(session);
    const tick = () => {
      const left = end - Date.now();
      setRemaining(left);
      if (left <= 0) {
        setOpen(false);
        // That page ends the session (see there).
        navigate('/account/session-ended', { replace: true });
      } else if (left <= WARN_BEFORE_MS && dismissedFor.current !== end) {
        setOpen(true);
      } else if (left > WARN_BEFORE_MS) {
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
  const atLimit = Date.parse(session.absoluteExpiresAt) - Date.now() <= WARN_BEFORE_MS;

  async function stay() {
    if (!session) return;
    dismissedFor.current = endsAt(session);
    if (atLimit) {
      setOpen(false);
      return;
    }
    setBusy(true);
    try {
      const { data } = await api.refreshMemberSession(session.csrfToken);
      setSession(data);
      setOpen(false);
    } catch (err) {
      setOpen(false);
      if (isApiError(err) && err.status === 401) {
        endLocally();
        navigate('/account/session-ended', { replace: true });
      }
    } finally {
      setBusy(false);
    }
  }

  function signOutNow() {
    setOpen(false);
    navigate('/signed-out');
  }

  const minutes = Math.max(1, Math.ceil(remaining / 60000));
  return (
    <dialog
      ref={dialog}
      className="timeout-dialog"
      aria-labelledby="member-timeout-title"
      aria-describedby="member-timeout-body"
      onCancel={(e) => {
        e.preventDefault();
        void stay();
      }}
    >
      {open ? (
        <>
          <h2 className="heading-m" id="member-timeout-title">
            {t('memberTimeout.title')}
          </h2>
          <p id="member-timeout-body">
            {atLimit
              ? t('memberTimeout.bodyLimit', { count: minutes })
              : t('memberTimeout.body', { count: minutes })}
          </p>
          <div className="button-group">
            <Button type="button" onClick={stay} busy={busy} autoFocus>
              {atLimit ? t('memberTimeout.ok') : t('memberTimeout.stay')}
            </Button>
            <Button type="button" variant="link" onClick={signOutNow}>
              {t('memberTimeout.signOut')}
            </Button>
          </div>
        </>
      ) : null}
    </dialog>
  );
}
