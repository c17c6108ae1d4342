import type { WebhookEndpoint } from '../../db/schema';
import type { Deps } from '../../deps';
import { escapeHtml } from '../../platform/email-templates';
import type { PostResult } from '../../platform/webhook-http';

/** The URL without its query: a receiver's token may travel there, and an email is no place for it. */
export function redactedUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

function lastFailure(result: Pick<PostResult, 'statusCode' | 'errorKind'>): string {
  if (result.statusCode !== null) return `it answered HTTP ${result.statusCode}`;
  switch (result.errorKind) {
    case 'timeout':
      return 'it did not answer in time';
    case 'address_refused':
    case 'url_refused':
      return 'its address is not one the server may call (a private or local address, or not https)';
    default:
      return 'it could not be reached';
  }
}

/**
 * The email to the organization's administrators when an endpoint is disabled: which one, why, and
 * how to turn it back on and get what it missed. In English: it goes to the integration's operators.
 */
export function endpointDisabledEmail(
  deps: Deps,
  input: {
    endpoint: WebhookEndpoint;
    reason: 'failing' | 'gone';
    failingSince: Date | null;
    lastResult: Pick<PostResult, 'statusCode' | 'errorKind'>;
  },
): { subject: string; text: string; html: string } {
  const org = deps.config.organization.name;
  const url = redactedUrl(input.endpoint.url);
  const why =
    input.reason === 'gone'
      ? 'It answered 410 Gone, which asks for no more deliveries.'
      : `Every delivery to it has failed since ${input.failingSince?.toISOString() ?? 'three days ago'}; the last time, ${lastFailure(input.lastResult)}.`;
  const paragraphs = [
    `${org} stopped sending webhook events to the endpoint ${url} (id ${input.endpoint.id}).`,
    why,
    'Events that were waiting for it will not be sent. When the endpoint works again, enable it through ' +
      'the webhook endpoints API (set "enabled" to true), then list its failed deliveries and replay the ' +
      'events it missed.',
  ];
  const subject = `Webhook endpoint disabled: ${url}`;
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
</body>
</html>
`;
  return { subject, text: `${paragraphs.join('\n\n')}\n`, html };
}
