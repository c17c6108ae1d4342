import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, isApiError } from '../../api';
import { Button } from '../../components/Button';
import { ModalDialog, useSessionCountdown } from '../../components/ModalDialog';
import { useMember } from './session';

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
  const [busy, setBusy] = useState(false);
  // That page ends the session (see there).
  const countdown = useSessionCountdown(session ? endsAt(session) : null, () =>
    navigate('/account/session-ended', { replace: true }),
  );

  if (!session) return null;
  const atLimit = countdown.isNear(Date.parse(session.absoluteExpiresAt));

  async function stay() {
    if (!session) return;
    countdown.dismiss();
    if (atLimit) {
      countdown.setOpen(false);
      return;
    }
    setBusy(true);
    try {
      const { data } = await api.refreshMemberSession(session.csrfToken);
      setSession(data);
      countdown.setOpen(false);
    } catch (err) {
      countdown.setOpen(false);
      if (isApiError(err) && err.status === 401) {
        endLocally();
        navigate('/account/session-ended', { replace: true });
      }
    } finally {
      setBusy(false);
    }
  }

  function signOutNow() {
    countdown.setOpen(false);
    navigate('/signed-out');
  }

  return (
    <ModalDialog open={countdown.open} idBase="member-timeout" onCancel={() => void stay()}>
      <h2 className="heading-m" id="member-timeout-title">
        {t('memberTimeout.title')}
      </h2>
      <p id="member-timeout-body">
        {atLimit
          ? t('memberTimeout.bodyLimit', { count: countdown.minutes })
          : t('memberTimeout.body', { count: countdown.minutes })}
      </p>
      <div className="button-group">
        <Button type="button" onClick={stay} busy={busy} autoFocus>
          {atLimit ? t('memberTimeout.ok') : t('memberTimeout.stay')}
        </Button>
        <Button type="button" variant="link" onClick={signOutNow}>
          {t('memberTimeout.signOut')}
        </Button>
      </div>
    </ModalDialog>
  );
}
