import { useEffect, useRef, useState } from 'react';

/**
 * Data a page reads from the API: null while loading, `failed` when it could not be read (a 401 is
 * the caller's `onExpired`, which moves the page on), `reload` to ask again. One hand-written hook
 * instead of a query library: see docs/decisions/0010-keep-hand-written-data-fetching.md.
 */
export function useApiData<T>(
  load: () => Promise<T>,
  onExpired: (err: unknown) => boolean,
  options: {
    /** Runs after a load, with a way to know the page has moved on since. */
    onLoaded?: (data: T, cancelled: () => boolean) => void;
    /** What `data` becomes when the load fails (default: it stays null). */
    fallback?: T;
  } = {},
) {
  const [data, setData] = useState<T | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef({ load, options });
  latest.current = { load, options };
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the fetch on reload
  useEffect(() => {
    let cancelled = false;
    setFailed(false);
    const { load: run, options: opts } = latest.current;
    run()
      .then((value) => {
        if (cancelled) return;
        setData(value);
        opts.onLoaded?.(value, () => cancelled);
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        if (opts.fallback !== undefined) setData(opts.fallback);
        setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [attempt, onExpired]);
  return { data, setData, failed, reload: () => setAttempt((n) => n + 1) };
}
