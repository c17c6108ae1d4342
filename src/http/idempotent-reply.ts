import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import type { IdempotentResponse } from '../modules/idempotency/idempotency.service';
import { problemOf } from './problem';

/** How a money-moving route stores and sends an answer: an AppError (a decline) as its problem document. */
export function renderProblems(request: FastifyRequest) {
  return (response: IdempotentResponse): IdempotentResponse =>
    response.body instanceof AppError
      ? { status: response.status, body: problemOf(response.body, request.url) }
      : response;
}

/** Sends an idempotent route's answer; a replay is the stored first response, byte for byte. */
export function sendIdempotent(reply: FastifyReply, result: IdempotentResponse & { replayed: boolean }) {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  // The stored response bypasses the response schema: it was validated when it was first sent.
  reply.status(result.status).serializer(JSON.stringify);
  if (result.status >= 400) reply.type('application/problem+json; charset=utf-8');
  return reply.send(result.body);
}
