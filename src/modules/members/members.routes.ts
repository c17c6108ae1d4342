import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { headerValue, requestContext } from '../../http/context';
import { renderProblems, sendIdempotent } from '../../http/idempotent-reply';
import { fromThisSite, memberAuth, SESSION_COOKIE } from '../../http/member-session';
import { runIdempotent } from '../idempotency/idempotency.service';
import { paymentIdParams, paymentView } from '../payments/payments.schema';
import {
  getDashboard,
  getMemberBill,
  getMemberPayment,
  listMemberBills,
  payAsMember,
  renderMemberBill,
  renderMemberReceipt,
} from './account.service';
import {
  billIdParams,
  dashboardView,
  emailChangeBody,
  emailVerificationBody,
  emailVerificationView,
  memberBillDetailView,
  memberBillsQuery,
  memberBillsView,
  memberPaymentBody,
  memberSessionView,
  mobileVerifyBody,
  passwordChangeBody,
  passwordChangeView,
  passwordResetBody,
  passwordResetCompletionBody,
  passwordResetCompletionView,
  passwordResetView,
  profileUpdateBody,
  profileView,
  recoveryCodesView,
  registrationBody,
  registrationView,
  secondFactorBody,
  signInBody,
  twoStepChallengeView,
  twoStepConfirmBody,
  twoStepDisableBody,
  twoStepSetupView,
  twoStepSignInBody,
} from './members.schema';
import {
  ABSOLUTE_HOURS,
  changePassword,
  completePasswordReset,
  completeTwoStepSignIn,
  confirmTwoStep,
  disableTwoStep,
  registerMember,
  requestPasswordReset,
  signIn,
  signOut,
  signOutEverywhere,
  startTwoStepSetup,
  stepUp,
  verifyMemberEmail,
} from './members.service';
import {
  getProfile,
  requestEmailChange,
  resendMobileCode,
  updateProfile,
  verifyMobile,
} from './profile.service';

export const memberRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const cookieOptions = {
      httpOnly: true,
      secure: deps.config.env === 'production',
      sameSite: 'lax' as const,
      path: '/',
      maxAge: ABSOLUTE_HOURS * 3600,
    };
    const { sessionOf, changingSessionOf } = memberAuth(deps);
    const clearCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' });

    app.post(
      '/api/v1/member/registrations',
      {
        schema: {
          summary: 'Register for an account with a medical record number',
          description:
            'The record number, name, date of birth and region must match a member. The answer is the same ' +
            '202 whether they matched, did not, or the member is already registered; a verification link is ' +
            'emailed when an account was created. Rate-limited per IP.',
          tags: ['members'],
          body: registrationBody,
          response: { 202: registrationView },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await registerMember(deps, request.body, requestContext(request, request.body.language))),
    );

    app.post(
      '/api/v1/member/email-verifications',
      {
        schema: {
          summary: 'Confirm an email address with the emailed single-use link (valid 24 hours)',
          tags: ['members'],
          body: emailVerificationBody,
          response: { 200: emailVerificationView },
        },
      },
      async (request) => {
        await verifyMemberEmail(deps, request.body.token, requestContext(request));
        return { verified: true as const };
      },
    );

    app.post(
      '/api/v1/member/sessions',
      {
        schema: {
          summary: 'Sign in with email and password',
          description:
            'Sets the session cookie. Unknown email, wrong password and a locked account all answer 401 ' +
            'sign_in_failed; 10 wrong passwords in a row pause sign-in for 30 minutes. Rate-limited per IP and ' +
            'per email address.',
          tags: ['members'],
          body: signInBody,
          response: { 201: memberSessionView, 202: twoStepChallengeView },
        },
      },
      async (request, reply) => {
        if (!fromThisSite(request)) {
          throw new AppError('csrf_failed', { detail: 'Sign in from this site.' });
        }
        const result = await signIn(deps, request.body, {
          ...requestContext(request),
          userAgent: headerValue(request, 'user-agent') ?? null,
        });
        if (result.kind === 'two_step') {
          return reply
            .status(202)
            .send({ status: 'two_step_required' as const, challenge: result.challenge });
        }
        reply.setCookie(SESSION_COOKIE, result.sessionId, cookieOptions);
        return reply.status(201).send(result.session.view);
      },
    );

    app.post(
      '/api/v1/member/sessions/two-step',
      {
        schema: {
          summary:
            'Finish signing in with two-step verification: the challenge and a code (or recovery code)',
          tags: ['members'],
          body: twoStepSignInBody,
          response: { 201: memberSessionView },
        },
      },
      async (request, reply) => {
        if (!fromThisSite(request)) throw new AppError('csrf_failed', { detail: 'Sign in from this site.' });
        const { sessionId, session } = await completeTwoStepSignIn(deps, request.body, {
          ...requestContext(request),
          userAgent: headerValue(request, 'user-agent') ?? null,
        });
        reply.setCookie(SESSION_COOKIE, sessionId, cookieOptions);
        return reply.status(201).send(session.view);
      },
    );

    app.post(
      '/api/v1/member/session/step-up',
      {
        schema: {
          summary: 'Prove the second factor again (before wallet changes); the session gets a new id',
          tags: ['members'],
          security: [{ memberSession: [] }],
          body: secondFactorBody,
          response: { 200: memberSessionView },
        },
      },
      async (request, reply) => {
        const { sessionId, session } = await stepUp(
          deps,
          await changingSessionOf(request),
          request.body,
          requestContext(request),
        );
        reply.setCookie(SESSION_COOKIE, sessionId, cookieOptions);
        return session.view;
      },
    );

    app.post(
      '/api/v1/member/two-step/setup',
      {
        schema: {
          summary: 'Start turning two-step verification on: a secret for an authenticator app',
          tags: ['members'],
          security: [{ memberSession: [] }],
          response: { 200: twoStepSetupView },
        },
      },
      async (request) => startTwoStepSetup(deps, await changingSessionOf(request)),
    );

    app.post(
      '/api/v1/member/two-step/confirm',
      {
        schema: {
          summary: 'Turn two-step verification on with a code from the app; returns recovery codes once',
          tags: ['members'],
          security: [{ memberSession: [] }],
          body: twoStepConfirmBody,
          response: { 200: recoveryCodesView },
        },
      },
      async (request) =>
        confirmTwoStep(deps, await changingSessionOf(request), request.body.code, requestContext(request)),
    );

    app.post(
      '/api/v1/member/two-step/disable',
      {
        schema: {
          summary: 'Turn two-step verification off (asks for the password)',
          tags: ['members'],
          security: [{ memberSession: [] }],
          body: twoStepDisableBody,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await disableTwoStep(
          deps,
          await changingSessionOf(request),
          request.body.password,
          requestContext(request),
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/member/session',
      {
        schema: {
          summary: 'The signed-in member, the CSRF token and when the session ends',
          tags: ['members'],
          security: [{ memberSession: [] }],
          response: { 200: memberSessionView },
        },
      },
      async (request) => (await sessionOf(request)).view,
    );

    app.post(
      '/api/v1/member/session/refresh',
      {
        schema: {
          summary: 'Stay signed in: restart the 30-minute idle timer (never past the 12-hour end)',
          tags: ['members'],
          security: [{ memberSession: [] }],
          response: { 200: memberSessionView },
        },
      },
      async (request) => (await changingSessionOf(request)).view,
    );

    app.delete(
      '/api/v1/member/session',
      {
        schema: {
          summary: 'Sign out',
          tags: ['members'],
          security: [{ memberSession: [] }],
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await signOut(deps, await changingSessionOf(request), requestContext(request));
        return clearCookie(reply).status(204).send(null);
      },
    );

    app.delete(
      '/api/v1/member/sessions',
      {
        schema: {
          summary: 'Sign out everywhere: end every session of this member',
          tags: ['members'],
          security: [{ memberSession: [] }],
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await signOutEverywhere(deps, await changingSessionOf(request), requestContext(request));
        return clearCookie(reply).status(204).send(null);
      },
    );

    app.post(
      '/api/v1/member/password-resets',
      {
        schema: {
          summary: 'Email a link (valid 1 hour, once) to choose a new password',
          description: 'The same 202 whether or not the address belongs to a member. Rate-limited.',
          tags: ['members'],
          body: passwordResetBody,
          response: { 202: passwordResetView },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await requestPasswordReset(deps, request.body.email, requestContext(request))),
    );

    app.post(
      '/api/v1/member/password-resets/complete',
      {
        schema: {
          summary: 'Choose a new password with the emailed link; every session of the member ends',
          tags: ['members'],
          body: passwordResetCompletionBody,
          response: { 200: passwordResetCompletionView },
        },
      },
      async (request) => {
        await completePasswordReset(deps, request.body.token, request.body.password, requestContext(request));
        return { reset: true as const };
      },
    );

    app.post(
      '/api/v1/member/password',
      {
        schema: {
          summary: 'Change the password (the current one is required); other sessions end',
          tags: ['members'],
          security: [{ memberSession: [] }],
          body: passwordChangeBody,
          response: { 200: passwordChangeView },
        },
      },
      async (request) => {
        await changePassword(deps, await changingSessionOf(request), request.body, requestContext(request));
        return { changed: true as const };
      },
    );

    app.get(
      '/api/v1/member/bills',
      {
        schema: {
          summary: 'The member’s bills, newest statement first, with filters and a cursor',
          tags: ['members'],
          security: [{ memberSession: [] }],
          querystring: memberBillsQuery,
          response: { 200: memberBillsView },
        },
      },
      async (request) =>
        listMemberBills(deps, await sessionOf(request), request.query, requestContext(request)),
    );

    app.get(
      '/api/v1/member/bills/:billId',
      {
        schema: {
          summary: 'One bill: visit, provider, line items, insurance paid, adjustments, payments applied',
          tags: ['members'],
          security: [{ memberSession: [] }],
          params: billIdParams,
          response: { 200: memberBillDetailView },
        },
      },
      async (request) =>
        getMemberBill(deps, await sessionOf(request), request.params.billId, requestContext(request)),
    );

    app.get(
      '/api/v1/member/bills/:billId/bill.pdf',
      {
        schema: {
          summary: 'The bill as a PDF, rendered on demand',
          tags: ['members'],
          security: [{ memberSession: [] }],
          params: billIdParams,
          querystring: z.object({ locale: z.enum(['en', 'es']).default('en') }),
        },
      },
      async (request, reply) => {
        const { filename, pdf } = await renderMemberBill(
          deps,
          await sessionOf(request),
          request.params.billId,
          request.query.locale,
          requestContext(request),
        );
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('cache-control', 'no-store')
          .send(pdf);
      },
    );

    app.post(
      '/api/v1/member/payments',
      {
        schema: {
          summary: 'Pay one or several bills of one account the member is responsible for',
          description:
            'Requires X-CSRF-Token and an Idempotency-Key header (replay → the first response, a different ' +
            'body → 422, in flight → 409). 201 when collected, 202 while being confirmed, 402 problem for a ' +
            'decline. The receipt is emailed to the member unless `email` names another address.',
          tags: ['members'],
          security: [{ memberSession: [] }],
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          body: memberPaymentBody,
          response: { 201: paymentView, 202: paymentView },
        },
      },
      async (request, reply) => {
        const session = await changingSessionOf(request);
        const ctx = requestContext(request, request.body.locale);
        const result = await runIdempotent(
          deps,
          {
            scope: `member:${session.actor.memberId}`,
            key: headerValue(request, 'idempotency-key'),
            request: request.body,
          },
          (idempotency) => payAsMember(deps, session, request.body, ctx, idempotency),
          renderProblems(request),
        );
        return sendIdempotent(reply as FastifyReply, result);
      },
    );

    app.get(
      '/api/v1/member/payments/:paymentId',
      {
        schema: {
          summary: 'A payment on one of the member’s accounts',
          tags: ['members'],
          security: [{ memberSession: [] }],
          params: paymentIdParams,
          response: { 200: paymentView },
        },
      },
      async (request) => getMemberPayment(deps, await sessionOf(request), request.params.paymentId),
    );

    app.get(
      '/api/v1/member/payments/:paymentId/receipt.pdf',
      {
        schema: {
          summary: 'The receipt of a completed payment as a PDF',
          tags: ['members'],
          security: [{ memberSession: [] }],
          params: paymentIdParams,
          querystring: z.object({ locale: z.enum(['en', 'es']).default('en') }),
        },
      },
      async (request, reply) => {
        const { filename, pdf } = await renderMemberReceipt(
          deps,
          await sessionOf(request),
          request.params.paymentId,
          request.query.locale,
        );
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('cache-control', 'no-store')
          .send(pdf);
      },
    );

    app.get(
      '/api/v1/member/profile',
      {
        schema: {
          summary: 'Contact details and preferences',
          tags: ['members'],
          security: [{ memberSession: [] }],
          response: { 200: profileView },
        },
      },
      async (request) => getProfile(deps, await sessionOf(request)),
    );

    app.patch(
      '/api/v1/member/profile',
      {
        schema: {
          summary:
            'Change the preferred language, mailing address or mobile number (a new number gets a code by text)',
          tags: ['members'],
          security: [{ memberSession: [] }],
          body: profileUpdateBody,
          response: { 200: profileView },
        },
      },
      async (request) =>
        updateProfile(deps, await changingSessionOf(request), request.body, requestContext(request)),
    );

    app.post(
      '/api/v1/member/profile/email',
      {
        schema: {
          summary: 'Change the email address: a link goes to the new one (24 hours)',
          tags: ['members'],
          security: [{ memberSession: [] }],
          body: emailChangeBody,
          response: { 202: profileView },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(
            await requestEmailChange(
              deps,
              await changingSessionOf(request),
              request.body.email,
              requestContext(request),
            ),
          ),
    );

    app.post(
      '/api/v1/member/profile/mobile/code',
      {
        schema: {
          summary: 'Text a new code to the mobile number waiting to be confirmed (10 minutes, 5 tries)',
          tags: ['members'],
          security: [{ memberSession: [] }],
          response: { 202: profileView },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await resendMobileCode(deps, await changingSessionOf(request), requestContext(request))),
    );

    app.post(
      '/api/v1/member/profile/mobile/verify',
      {
        schema: {
          summary: 'Confirm the mobile number with the code texted to it',
          tags: ['members'],
          security: [{ memberSession: [] }],
          body: mobileVerifyBody,
          response: { 200: profileView },
        },
      },
      async (request) =>
        verifyMobile(deps, await changingSessionOf(request), request.body.code, requestContext(request)),
    );

    app.get(
      '/api/v1/member/dashboard',
      {
        schema: {
          summary: 'What is due and what was paid on every account the member is responsible for',
          tags: ['members'],
          security: [{ memberSession: [] }],
          response: { 200: dashboardView },
        },
      },
      async (request) => getDashboard(deps, await sessionOf(request), requestContext(request)),
    );
  };
