import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { headerValue, requestContext } from '../../http/context';
import { renderProblems, sendIdempotent } from '../../http/idempotent-reply';
import { memberAuth } from '../../http/member-session';
import { pdfResponse } from '../../http/openapi';
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
  mobileVerifyBody,
  profileUpdateBody,
  profileView,
  registrationBody,
  registrationView,
} from './members.schema';
import { registerMember, verifyMemberEmail } from './members.service';
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
    const { sessionOf, changingSessionOf } = memberAuth(deps);

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
          security: [],
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
          security: [],
          body: emailVerificationBody,
          response: { 200: emailVerificationView },
        },
      },
      async (request) => {
        await verifyMemberEmail(deps, request.body.token, requestContext(request));
        return { verified: true as const };
      },
    );

    app.get(
      '/api/v1/member/bills',
      {
        schema: {
          summary: 'The member’s bills, newest statement first, with filters and a cursor',
          tags: ['members'],
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
          params: billIdParams,
          querystring: z.object({ locale: z.enum(['en', 'es']).default('en') }),
          response: pdfResponse,
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
          'x-problems': [402, 404],
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
          'x-problems': [409],
          params: paymentIdParams,
          querystring: z.object({ locale: z.enum(['en', 'es']).default('en') }),
          response: pdfResponse,
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
          response: { 200: dashboardView },
        },
      },
      async (request) => getDashboard(deps, await sessionOf(request), requestContext(request)),
    );
  };
