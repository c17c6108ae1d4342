import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { AdjustableClock } from '../../platform/clock';
import { escapeHtml } from '../../platform/email-templates';
import { type EmailRenderer, findMailboxEmail, listMailbox, listTexts } from './notifications.service';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:19px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#0b0c0c}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
a{color:#1d4f91}a:focus{outline:3px solid #fd0;background:#fd0}pre{white-space:pre-wrap}iframe{width:100%;min-height:40rem;border:1px solid #b1b4b6}</style>
</head><body><main>${body}</main></body></html>`;
}

/**
 * Development mailbox: every email and text in the outboxes, readable without SMTP or Twilio; and the
 * development clock, which moves time forward to see scheduled and automatic payments come due.
 * Registered only outside production (see app.ts).
 */
export const devMailboxRoutes =
  (deps: Deps, render: EmailRenderer): FastifyPluginAsyncZod =>
  async (app) => {
    /** Each email as it is (or will be) sent: a receipt queued by reference is rendered now. */
    const withContent = async (limit: number) =>
      Promise.all(
        (await listMailbox(deps, limit)).map(async (e) => ({
          e,
          c: await render(e, { attachments: false }),
        })),
      );

    app.get('/dev/mailbox.json', { schema: { hide: true } }, async () => {
      const emails = await withContent(200);
      return emails.map(({ e, c }) => ({
        id: e.id,
        to: e.to_address,
        subject: c.subject,
        text: c.text,
        html: c.html,
        kind: e.kind,
        status: e.status,
        hasAttachment: e.attachment_ref !== null,
        createdAt: e.created_at.toISOString(),
      }));
    });

    app.get('/dev/mailbox', { schema: { hide: true } }, async (_request, reply) => {
      const emails = await withContent(100);
      const rows = emails
        .map(
          ({ e, c }) =>
            `<tr><td>${escapeHtml(e.created_at.toISOString())}</td><td>${escapeHtml(e.to_address)}</td>` +
            `<td><a href="/dev/mailbox/${e.id}">${escapeHtml(c.subject)}</a></td><td>${e.status}</td></tr>`,
        )
        .join('');
      const body =
        `<h1>Development mailbox</h1><p>Emails the app has sent. ${deps.mailer ? 'SMTP delivery is on.' : 'SMTP_URL is not set, so nothing leaves this machine.'}</p>` +
        (emails.length === 0
          ? '<p>No emails yet.</p>'
          : `<table><caption class="visually-hidden">Emails</caption><thead><tr><th scope="col">Sent</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table>`);
      return reply.type('text/html; charset=utf-8').send(page('Development mailbox', body));
    });

    /** One email and what it says, or a 404. */
    const oneWithContent = async (id: string) => {
      const e = await findMailboxEmail(deps, id);
      if (!e) throw new AppError('not_found');
      return { e, c: await render(e, { attachments: false }) };
    };
    const byId = { schema: { hide: true, params: z.object({ id: z.uuid() }) } };

    app.get('/dev/mailbox/:id', byId, async (request, reply) => {
      const { e, c } = await oneWithContent(request.params.id);
      const body =
        `<p><a href="/dev/mailbox">Back to the mailbox</a></p><h1>${escapeHtml(c.subject)}</h1>` +
        `<p>To: ${escapeHtml(e.to_address)}</p>` +
        // The frame has a fixed height; the email's own page shows all of it at any width.
        `<p><a href="/dev/mailbox/${e.id}/html">Open the email on its own page</a></p>` +
        `<iframe title="Email body" sandbox="" srcdoc="${escapeHtml(c.html)}"></iframe>` +
        `<h2>Plain text</h2><pre>${escapeHtml(c.text)}</pre>`;
      return reply.type('text/html; charset=utf-8').send(page(c.subject, body));
    });

    app.get('/dev/mailbox/:id/html', byId, async (request, reply) => {
      const { c } = await oneWithContent(request.params.id);
      return reply.type('text/html; charset=utf-8').send(c.html);
    });

    app.get('/dev/texts.json', { schema: { hide: true } }, async () => {
      const texts = await listTexts(deps, 200);
      return texts.map((t) => ({
        id: t.id,
        to: t.to_number,
        body: t.body,
        kind: t.kind,
        status: t.status,
        createdAt: t.created_at.toISOString(),
      }));
    });

    app.get('/dev/texts', { schema: { hide: true } }, async (_request, reply) => {
      const texts = await listTexts(deps, 100);
      const rows = texts
        .map(
          (t) =>
            `<tr><td>${escapeHtml(t.created_at.toISOString())}</td><td>${escapeHtml(t.to_number)}</td>` +
            `<td>${escapeHtml(t.body)}</td><td>${t.status}</td></tr>`,
        )
        .join('');
      const body =
        `<h1>Development texts</h1><p>Text messages the app has sent. ${deps.texter ? 'Twilio delivery is on.' : 'Twilio is not configured, so nothing leaves this machine.'} <a href="/dev/mailbox">Emails</a></p>` +
        (texts.length === 0
          ? '<p>No texts yet.</p>'
          : `<table><caption class="visually-hidden">Texts</caption><thead><tr><th scope="col">Sent</th><th scope="col">To</th><th scope="col">Message</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table>`);
      return reply.type('text/html; charset=utf-8').send(page('Development texts', body));
    });

    const clock = deps.clock;
    if (clock instanceof AdjustableClock) {
      const clockView = () => ({ now: clock.now().toString(), offset: clock.offset.toString() });
      app.get('/dev/clock', { schema: { hide: true } }, async () => clockView());
      // Moves the app's clock forward (never back: what happened, happened), e.g. {"days": 3}.
      app.post(
        '/dev/clock',
        {
          schema: {
            hide: true,
            body: z
              .object({
                days: z.number().int().min(0).max(400).default(0),
                hours: z
                  .number()
                  .int()
                  .min(0)
                  .max(24 * 400)
                  .default(0),
                minutes: z
                  .number()
                  .int()
                  .min(0)
                  .max(60 * 24)
                  .default(0),
              })
              .strict(),
          },
        },
        async (request) => {
          const { days, hours, minutes } = request.body;
          clock.advance({ hours: days * 24 + hours, minutes });
          return clockView();
        },
      );
      app.delete('/dev/clock', { schema: { hide: true } }, async () => {
        clock.reset();
        return clockView();
      });
    }
  };
