import type { OrganizationView } from '@contract/organization/organization.schema';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api } from './api';
import { applyAccent } from './theme';

type OrgState =
  | { status: 'loading' }
  | { status: 'error'; retry: () => void }
  | { status: 'ready'; org: OrganizationView };

const OrgContext = createContext<OrgState>({ status: 'loading' });

const CACHE_KEY = 'settle.organization';

function cached(): OrganizationView | null {
  try {
    const raw = sessionStorage.getItem(CACHE_KEY);
    return raw ? (JSON.parse(raw) as OrganizationView) : null;
  } catch {
    return null;
  }
}

let prefetched: ReturnType<typeof api.organization> | null = null;

/** Starts the first fetch before React renders (main.tsx), beside the page's code and texts. */
export function prefetchOrganization(): void {
  prefetched ??= api.organization();
  prefetched.catch(() => {}); // the provider reports a failure
}

export function OrganizationProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<OrgState>(() => {
    const org = cached();
    return org ? { status: 'ready', org } : { status: 'loading' };
  });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    let cancelled = false;
    (attempt === 0 && prefetched ? prefetched : api.organization())
      .then(({ data }) => {
        if (cancelled) return;
        sessionStorage.setItem(CACHE_KEY, JSON.stringify(data));
        setState({ status: 'ready', org: data });
      })
      .catch(() => {
        if (!cancelled) setState((s) => (s.status === 'ready' ? s : { status: 'error', retry }));
      });
    return () => {
      cancelled = true;
    };
  }, [attempt, retry]);

  useEffect(() => {
    if (state.status === 'ready') applyAccent(state.org.accentColor);
  }, [state]);

  return <OrgContext.Provider value={state}>{children}</OrgContext.Provider>;
}

export function useOrganizationState(): OrgState {
  return useContext(OrgContext);
}

/** The organization; only call below a component that renders after it has loaded. */
export function useOrganization(): OrganizationView {
  const state = useContext(OrgContext);
  if (state.status !== 'ready') throw new Error('useOrganization called before the organization loaded');
  return state.org;
}
