import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrganizationState } from '../organization';

/** Sets the document title: "Error: " first while the page shows an error, then the page, then the service. */
export function useDocumentTitle(title: string, hasError = false): void {
  const { t } = useTranslation();
  const org = useOrganizationState();
  const orgName = org.status === 'ready' ? org.org.name : '';
  useEffect(() => {
    const service = t('common.serviceName');
    const parts = [title, title === service ? '' : service, orgName].filter(Boolean);
    document.title = `${hasError ? `${t('common.errorPrefix')} ` : ''}${parts.join(' – ')}`;
  }, [title, hasError, orgName, t]);
}

/** A page's frame: its title, an optional back link above the content, and the content. */
export function Page({
  title,
  error = false,
  back,
  children,
  wide = false,
}: {
  title: string;
  error?: boolean;
  back?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  useDocumentTitle(title, error);
  return (
    <>
      {back}
      <div className={wide ? 'page page--wide' : 'page'}>{children}</div>
    </>
  );
}
