import type { MemberSessionView } from '@contract/auth/auth.schema';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, isApiError } from '../../api';
import { Page } from '../../components/Page';
import { clearMemberPay } from './pay/journey';

export type MemberSession = MemberSessionView;

export type MemberState =
  | { status: 'unknown' }
  | { status: 'checking' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; session: MemberSession };

interface MemberContextValue {
  state: MemberState;
  /** Asks the server whether this browser's cookie is a live session (once; later calls reuse it). */
  check: () => void;
  /** After sign-in or "Stay signed in": the session the server just answered with. */
  setSession: (session: MemberSession) => void;
  /** Forgets the session in this tab (the server already ended it, or we are about to). */
  endLocally: () => void;
  /** Ends the session on the server and in this tab; never throws. */
  signOut: () => Promise<void>;
}

/**
 * The session cookie is HttpOnly, so the page cannot see it. localStorage says "this browser is
 * signed in" and until when (never the CSRF token), so that people who never sign in are not asked
 * about a session on every page, and so that every open tab learns when another one stays signed in
 * or signs out (the 'storage' event).
 */
const HINT_KEY = 'settle.member';

interface Hint {
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

function parseHint(raw: string | null): Hint | null {
  if (!raw) return null;
  try {
    const hint = JSON.parse(raw) as Partial<Hint>;
    return typeof hint.idleExpiresAt === 'string' && typeof hint.absoluteExpiresAt === 'string'
      ? { idleExpiresAt: hint.idleExpiresAt, absoluteExpiresAt: hint.absoluteExpiresAt }
      : null;
  } catch {
    return null;
  }
}

function readHint(): Hint | null {
  try {
    return parseHint(localStorage.getItem(HINT_KEY));
  } catch {
    return null;
  }
}

function writeHint(session: MemberSession | null): void {
  try {
    if (session) {
      const hint: Hint = {
        idleExpiresAt: session.idleExpiresAt,
        absoluteExpiresAt: session.absoluteExpiresAt,
      };
      localStorage.setItem(HINT_KEY, JSON.stringify(hint));
    } else localStorage.removeItem(HINT_KEY);
  } catch {
    // storage blocked: the session is still checked on member pages
  }
}

const MemberContext = createContext<MemberContextValue | null>(null);

export function MemberSessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<MemberState>({ status: 'unknown' });

  const setSession = useCallback((session: MemberSession) => {
    writeHint(session);
    setState({ status: 'signed-in', session });
  }, []);

  const endLocally = useCallback(() => {
    writeHint(null);
    clearMemberPay();
    setState({ status: 'signed-out' });
  }, []);

  // Another tab stayed signed in (new expiry times) or signed out (no hint).
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== HINT_KEY && e.key !== null) return;
      const hint = parseHint(e.newValue);
      setState((s) => {
        if (s.status !== 'signed-in') return s;
        if (!hint) return { status: 'signed-out' };
        return { status: 'signed-in', session: { ...s.session, ...hint } };
      });
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  // One question to the server at a time, however many components ask (and StrictMode's double effects).
  const checking = useRef(false);
  const check = useCallback(() => {
    if (checking.current) return;
    checking.current = true;
    setState({ status: 'checking' });
    api
      .memberSession()
      .then(({ data }) => setSession(data))
      .catch((err) => {
        if (isApiError(err) && err.status === 401) endLocally();
        else setState({ status: 'signed-out' });
      })
      .finally(() => {
        checking.current = false;
      });
  }, [setSession, endLocally]);

  // Someone who signed in before (in this browser) sees their name in the header straight away;
  // for anyone else the state stays 'unknown' until a member page asks (RequireMember).
  useEffect(() => {
    const hint = readHint();
    if (hint && Date.parse(hint.absoluteExpiresAt) > Date.now()) check();
    else if (hint) writeHint(null);
  }, [check]);

  const signOut = useCallback(async () => {
    const csrf = state.status === 'signed-in' ? state.session.csrfToken : null;
    endLocally();
    if (csrf) await api.signOut(csrf).catch(() => undefined);
  }, [state, endLocally]);

  const value = useMemo(
    () => ({ state, check, setSession, endLocally, signOut }),
    [state, check, setSession, endLocally, signOut],
  );
  return <MemberContext.Provider value={value}>{children}</MemberContext.Provider>;
}

export function useMember(): MemberContextValue {
  const value = useContext(MemberContext);
  if (!value) throw new Error('useMember called outside MemberSessionProvider');
  return value;
}

/** The live session; only call below <RequireMember>. */
export function useMemberSession(): MemberSession {
  const { state } = useMember();
  if (state.status !== 'signed-in') throw new Error('useMemberSession called without a session');
  return state.session;
}

/** Where to go after signing in: only a path on this site, never another origin. */
export function safeReturnTo(value: string | null): string {
  const ok = value?.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\');
  return ok && value ? value : '/account';
}

export function signInPath(returnTo: string): string {
  return returnTo === '/account' ? '/sign-in' : `/sign-in?returnTo=${encodeURIComponent(returnTo)}`;
}

/** Returns a handler that turns a 401 into "You have been signed out"; true when it handled the error. */
export function useMemberExpiry(): (err: unknown) => boolean {
  const navigate = useNavigate();
  const { endLocally } = useMember();
  return useCallback(
    (err: unknown) => {
      if (isApiError(err) && err.status === 401) {
        endLocally();
        navigate('/account/session-ended', { replace: true });
        return true;
      }
      return false;
    },
    [navigate, endLocally],
  );
}

function Checking() {
  const { t } = useTranslation();
  return (
    <Page title={t('common.loading')}>
      <p className="lead" role="status">
        {t('common.loading')}
      </p>
    </Page>
  );
}

/** Renders children only for a signed-in member; anyone else signs in first and comes back here. */
export function RequireMember({ children }: { children: ReactNode }) {
  const { state, check } = useMember();
  const location = useLocation();
  useEffect(() => {
    if (state.status === 'unknown') check();
  }, [state.status, check]);
  if (state.status === 'signed-in') return <>{children}</>;
  if (state.status === 'signed-out')
    return <Navigate to={signInPath(`${location.pathname}${location.search}`)} replace />;
  return <Checking />;
}
