import { useTranslation } from 'react-i18next';
import { Button } from './Button';

/** While a page's data is not there: "Loading…", or why it could not be read and "Try again". */
export function LoadState({
  failed,
  failedText,
  retry,
}: {
  failed: boolean;
  failedText: string;
  retry: () => void;
}) {
  const { t } = useTranslation();
  if (failed)
    return (
      <div>
        <p>{failedText}</p>
        <Button type="button" onClick={retry}>
          {t('unavailable.retry')}
        </Button>
      </div>
    );
  return (
    <p className="lead" role="status">
      {t('common.loading')}
    </p>
  );
}
