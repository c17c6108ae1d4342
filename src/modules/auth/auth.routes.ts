import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { headerValue, requestContext } from '../../http/context';
import { fromThisSite, memberAuth, SESSION_COOKIE } from '../../http/member-session';
import {
  memberSessionView,
  passwordChangeBody,
  passwordChangeView,
  passwordResetBody,
  passwordResetCompletionBody,
  passwordResetCompletionView,
  passwordResetView,
  recoveryCodesView,
  secondFactorBody,
  signInBody,
  twoStepChallengeView,
  twoStepConfirmBody,
  twoStepDisableBody,
  twoStepSetupView,
  twoStepSignInBody,
} from './auth.schema';
import { ABSOLUTE_HOURS, signIn, signOut, signOutEverywhere } from './auth.service';
import { changePassword, completePasswordReset, requestPasswordReset } from './password.service';
import {
  completeTwoStepSignIn,
  confirmTwoStep,
  disableTwoStep,
  startTwoStepSetup,
  stepUp,
} from './two-step.service';

/** Signing in and out, the session, passwords and two-step verification (paths under /api/v1/member). */
export const authRoutes =
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
      '/api/v1/member/sessions',
      {
        schema: {
          summary: 'Sign in with email and password',
          description:
            'Sets the session cookie. Unknown email, wrong password and a locked account all answer 401 ' +
            'sign_in_failed; 10 wrong passwords in a row pause sign-in for 30 minutes. Rate-limited per IP and ' +
            'per email address.',
          tags: ['members'],
          'x-problems': [401, 403],
          security: [],
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
          'x-problems': [401, 403],
          security: [],
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
          security: [],
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
          security: [],
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
          body: passwordChangeBody,
          response: { 200: passwordChangeView },
        },
      },
      async (request) => {
        await changePassword(deps, await changingSessionOf(request), request.body, requestContext(request));
        return { changed: true as const };
      },
    );
  };
