import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import { useEffect, useState } from 'react';
import { api } from '../../../api';
import { useMemberExpiry } from '../session';

/** Loads the wallet; null while loading, [] when it could not be loaded (new details still work). */
export function useWallet(): {
  methods: PaymentMethodView[] | null;
  failed: boolean;
  reload: () => void;
} {
  const onExpired = useMemberExpiry();
  const [methods, setMethods] = useState<PaymentMethodView[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the fetch on reload
  useEffect(() => {
    let cancelled = false;
    setFailed(false);
    api
      .paymentMethods()
      .then(({ data }) => {
        if (!cancelled) setMethods(data.methods);
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        setMethods([]);
        setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [attempt, onExpired]);
  return { methods, failed, reload: () => setAttempt((n) => n + 1) };
}
