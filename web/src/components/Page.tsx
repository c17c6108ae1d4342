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

/**
 * A page whose heading is replaced once its data arrives (a "Loading" heading, then the real one):
 * focus that was on the old heading would fall to the body, so it moves to the new one.
 */
export function useRefocusHeading(ready: boolean): void {
  useEffect(() => {
    if (!ready) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const heading = document.querySelector<HTMLElement>('#main-content h1');
    if (!heading) return;
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }, [ready]);
}
