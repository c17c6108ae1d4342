import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMember, createPerson, MEMBER_PASSWORD, signIn } from '../../../test/factories';
import { deliverTexts } from '../notifications/notifications.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

let numbers = 0;
/** A different valid number per test, so the per-number text limit never spills across tests. */
function nextNumber(): { typed: string; e164: string } {
  const line = String(1000 + (++numbers % 9000)).padStart(4, '0');
  const exchange = 200 + ((process.pid + numbers) % 700);
  return { typed: `(415) ${exchange}-${line}`, e164: `+1415${exchange}${line}` };
}

async function signedInMember() {
  const member = await createMember(t.deps, await createPerson(t.deps));
  const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrfToken };
  const patch = (payload: object) =>
    t.app.inject({ method: 'PATCH', url: '/api/v1/member/profile', headers, payload });
  return {
    member,
    patch,
    setNumber: (mobileNumber: string | null) => patch({ mobileNumber }),
    resend: () => t.app.inject({ method: 'POST', url: '/api/v1/member/profile/mobile/code', headers }),
    verify: (code: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/member/profile/mobile/verify',
        headers,
        payload: { code },
      }),
    profile: () => t.app.inject({ method: 'GET', url: '/api/v1/member/profile', headers }),
  };
}

async function textsTo(number: string) {
  return t.deps.db
    .selectFrom('outbox_texts')
    .selectAll()
    .where('to_number', '=', number)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

function codeIn(body: string): string {
  const match = /\b(\d{6})\b/.exec(body);
  if (!match?.[1]) throw new Error(`no code in: ${body}`);
  return match[1];
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('confirming a mobile number by text', () => {
  it('texts a 6-digit code to a new number and confirms the number with it', async () => {
    const m = await signedInMember();
    const number = nextNumber();
    const res = await m.setNumber(number.typed);
    expect(res.statusCode).toBe(200);
    expect(res.json().mobile).toEqual({ number: number.e164, verified: false });

    const [text, ...more] = await textsTo(number.e164);
    expect(more).toHaveLength(0);
    expect(text).toMatchObject({
      kind: 'member_mobile_code',
      status: 'pending',
      member_id: m.member.memberId,
    });
    expect(text?.body).toMatch(/your code to confirm this number is \d{6}\. It expires in 10 minutes/);
    // Nothing about the member on a text a locked screen may show.
    expect(text?.body).not.toContain(m.member.email);

    const ok = await m.verify(codeIn(text?.body ?? ''));
    expect(ok.statusCode).toBe(200);
    expect(ok.json().mobile).toEqual({ number: number.e164, verified: true });
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'result'])
      .where('actor_id', '=', m.member.memberId)
      .where('action', '=', 'member.mobile_verify')
      .execute();
    expect(audit).toEqual([{ action: 'member.mobile_verify', result: 'success' }]);

    // The code was used up; and setting the same number again changes nothing and texts nothing.
    expect((await m.verify(codeIn(text?.body ?? ''))).json().errors[0]).toMatchObject({
      field: 'code',
      code: 'not_waiting',
    });
    expect((await m.setNumber(number.typed)).json().mobile.verified).toBe(true);
    expect(await textsTo(number.e164)).toHaveLength(1);
  });

  it('refuses a wrong code next to the field, counts it, and ends the code after 5 wrong tries', async () => {
    const m = await signedInMember();
    const number = nextNumber();
    await m.setNumber(number.typed);
    const code = codeIn((await textsTo(number.e164))[0]?.body ?? '');

    const malformed = await m.verify('12345');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0]).toMatchObject({ field: 'code' });

    for (let i = 0; i < 4; i++) {
      const wrong = await m.verify(wrongCode(code));
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().errors[0]).toMatchObject({ field: 'code', code: 'invalid' });
    }
    const fifth = await m.verify(wrongCode(code));
    expect(fifth.json().errors[0]).toMatchObject({ field: 'code', code: 'too_many_tries' });
    // Even the right code no longer works: a guesser had five tries in a million.
    const right = await m.verify(code);
    expect(right.json().errors[0]).toMatchObject({ field: 'code', code: 'too_many_tries' });
    expect((await m.profile()).json().mobile.verified).toBe(false);

    // A new code replaces the spent one.
    const resent = await m.resend();
    expect(resent.statusCode).toBe(202);
    const texts = await textsTo(number.e164);
    expect(texts).toHaveLength(2);
    expect((await m.verify(codeIn(texts[1]?.body ?? ''))).json().mobile.verified).toBe(true);
  });

  it('lets a code expire after 10 minutes, and a new number replaces the one waiting', async () => {
    const m = await signedInMember();
    const first = nextNumber();
    await m.setNumber(first.typed);
    const code = codeIn((await textsTo(first.e164))[0]?.body ?? '');
    t.clock.advance({ minutes: 10, seconds: 1 });
    try {
      expect((await m.verify(code)).json().errors[0]).toMatchObject({ code: 'expired' });
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }

    const second = nextNumber();
    await m.setNumber(second.typed);
    // The first number's code was replaced by the second number's.
    expect((await m.verify(code)).json().errors[0]).toMatchObject({ code: 'invalid' });
    const ok = await m.verify(codeIn((await textsTo(second.e164))[0]?.body ?? ''));
    expect(ok.json().mobile).toEqual({ number: second.e164, verified: true });

    // Removing the number leaves nothing to confirm and nothing to resend.
    expect((await m.setNumber(null)).json().mobile).toBeNull();
    const nothing = await m.resend();
    expect(nothing.statusCode).toBe(400);
    expect(nothing.json().errors[0]).toMatchObject({ field: 'mobileNumber', code: 'not_waiting' });
  });

  it('texts at most 5 codes an hour to one number, and a refused change changes nothing', async () => {
    const m = await signedInMember();
    const number = nextNumber();
    expect((await m.setNumber(number.typed)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await m.resend()).statusCode).toBe(202);
    const limited = await m.resend();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(await textsTo(number.e164)).toHaveLength(5);

    // Another member cannot make us text that number either.
    const other = await signedInMember();
    expect((await other.setNumber(number.typed)).statusCode).toBe(429);
    expect((await other.profile()).json().mobile).toBeNull();
    expect(await textsTo(number.e164)).toHaveLength(5);
  });

  it('writes texts in the member’s language and sends them through the configured provider', async () => {
    const m = await signedInMember();
    const number = nextNumber();
    const res = await m.patch({ preferredLanguage: 'es', mobileNumber: number.typed });
    expect(res.statusCode).toBe(200);
    const [text] = await textsTo(number.e164);
    expect(text?.body).toMatch(/su código para confirmar este número es \d{6}\. Vence en 10 minutos/);

    const sent: { to: string; body: string }[] = [];
    const deps = {
      ...t.deps,
      texter: {
        send: async (message: { to: string; body: string }) => {
          sent.push(message);
          return { messageId: `SM${sent.length}` };
        },
        close: async () => {},
      },
    };
    await deliverTexts(deps, 500);
    expect(sent).toContainEqual({ to: number.e164, body: text?.body });
    const [after] = await textsTo(number.e164);
    expect(after).toMatchObject({ status: 'sent', attempts: 1 });
    expect(after?.message_id).toMatch(/^SM\d+$/);
  });
});
