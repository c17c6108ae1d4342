import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import { api } from '../../../api';
import { useApiData } from '../../../components/useApiData';
import { useMemberExpiry } from '../session';

/** Loads the wallet; null while loading, [] when it could not be loaded (new details still work). */
export function useWallet(): {
  methods: PaymentMethodView[] | null;
  failed: boolean;
  reload: () => void;
} {
  const onExpired = useMemberExpiry();
  const { data, failed, reload } = useApiData(
    async () => (await api.paymentMethods()).data.methods,
    onExpired,
    {
      fallback: [],
    },
  );
  return { methods: data, failed, reload };
}
