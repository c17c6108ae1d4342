import { type ReactNode, useCallback } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { isApiError } from '../../api';
import { AlreadyPaid } from './AlreadyPaid';
import { type Journey, lastPayment, updateJourney, useJourney } from './journey';

/** Drops the guest session (and everything that needs it) but keeps payments made in this tab. */
export function endSessionLocally(): void {
  updateJourney((j) => {
    const {
      session: _s,
      bills: _b,
      selection: _sel,
      method: _m,
      decline: _d,
      attempt: _a,
      bankAuthorized: _ba,
      ...rest
    } = j;
    return rest;
  });
}

export function sessionIsLive(j: Journey): boolean {
  return Boolean(j.session && Date.parse(j.session.expiresAt) > Date.now());
}

/** Returns a handler that turns a 401 into the "session ended" page; true when it handled the error. */
export function useSessionExpiry(): (err: unknown) => boolean {
  const navigate = useNavigate();
  return useCallback(
    (err: unknown) => {
      if (isApiError(err) && err.status === 401) {
        endSessionLocally();
        navigate('/pay/session-ended', { replace: true });
        return true;
      }
      return false;
    },
    [navigate],
  );
}

/**
 * Renders children only while there is a live guest session. Pages that take money
 * (`paymentPage`) show "You have already paid this" instead once a payment went through here.
 */
export function RequireSession({
  children,
  paymentPage = false,
}: {
  children: ReactNode;
  paymentPage?: boolean;
}) {
  const journey = useJourney();
  if (!sessionIsLive(journey)) {
    if (paymentPage && lastPayment(journey) && !journey.selection) return <AlreadyPaid />;
    // The session-ended page forgets the stale token once it renders.
    return <Navigate to="/pay/session-ended" replace />;
  }
  return <>{children}</>;
}
