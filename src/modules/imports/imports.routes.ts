/**
 * Bulk import routes for integrators (API key): send a file of people, accounts and bills (NDJSON or
 * CSV), then follow the import the worker applies. Only these routes take bodies of up to 25 MiB, and
 * only as application/x-ndjson or text/csv: the content-type parsers are registered in this plugin's
 * own scope, so every other route keeps its 64 KiB JSON limit.
 */
import { createHash } from 'node:crypto';
import { type FastifyReply, errorCodes as fastifyErrors } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { apiKeyOf, eitherScope } from '../../http/api-key-auth';
import { headerValue, requestContext } from '../../http/context';
import { renderProblems, sendIdempotent } from '../../http/idempotent-reply';
import { requireIdempotencyKey, runIdempotent } from '../idempotency/idempotency.service';
import {
  createImportQuery,
  importErrorList,
  importErrorsQuery,
  importIdParams,
  importList,
  importListQuery,
  importView,
  MAX_IMPORT_BYTES,
} from './imports.schema';
import { createImport, getImport, listImportErrors, listImports } from './imports.service';

/**
 * An uploaded file as the parsers hand it on. Its bytes are a private field: the input guard that walks
 * every body for characters PostgreSQL cannot store (http/input.ts) sees nothing to walk here, and the
 * file's lines are checked one by one instead, so one bad line is one failed line, not a refused file.
 */
export class ImportUpload {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

const NDJSON = 'application/x-ndjson';
const CSV = 'text/csv';

const postDescription =
  `The body is the file: \`${NDJSON}\` (one JSON object a line: \`{"type":"person"|"account"|"bill",` +
  '"externalId":"…", …the fields of that PUT route\'s body}`) or `text/csv` with `?type=people|accounts|bills` ' +
  '(one record type a file; the first row is the header, see the README for the columns; a bill is one row ' +
  'per bill line, its bill columns repeated). At most 25 MiB (413 beyond); UTF-8. Answers 202 with the ' +
  'import, which the worker applies in file order (people before the accounts that name them, accounts before ' +
  'their bills) through the same idempotent upserts as the PUT routes. A line that cannot be read or is ' +
  'refused is a failed line in the report (GET …/errors) with the problem the route would have answered; ' +
  'only an empty file, one that is not UTF-8, or a CSV file without its type or with a header that is not ' +
  'the documented one is refused whole (400, nothing stored). Sending the same file again makes a new ' +
  'import whose lines all come back `unchanged`. Requires an Idempotency-Key header: a replay answers the ' +
  'first answer, the same key with another file is a 422.';

export const importRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.addContentTypeParser(
      [NDJSON, CSV],
      { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES },
      (_request, body, done) => done(null, new ImportUpload(body as Buffer)),
    );

    app.post(
      '/api/v1/imports',
      {
        config: { apiKey: { scope: 'imports:write' } },
        schema: {
          summary: 'Import a file of people, accounts and bills (NDJSON or CSV)',
          description: postDescription,
          tags: ['imports'],
          consumes: [NDJSON, CSV],
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          querystring: createImportQuery,
          body: z.unknown().meta({
            type: 'string',
            description: 'The file: NDJSON or CSV (see the description)',
          }),
          response: { 202: importView },
        },
      },
      async (request, reply) => {
        const key = apiKeyOf(request);
        const upload = request.body;
        const contentType = String(request.headers['content-type'] ?? '');
        if (upload !== undefined && !(upload instanceof ImportUpload)) {
          // A JSON body (the app's default parser): this route takes only the two file types.
          throw new fastifyErrors.FST_ERR_CTP_INVALID_MEDIA_TYPE(contentType.split(';')[0]);
        }
        const idempotencyKey = requireIdempotencyKey(headerValue(request, 'idempotency-key'));
        const file = upload?.bytes ?? Buffer.alloc(0);
        const format = contentType.toLowerCase().startsWith(CSV) ? 'csv' : 'ndjson';
        const type = request.query.type ?? null;
        const result = await runIdempotent(
          deps,
          {
            scope: `api:${key.keyId}`,
            key: idempotencyKey,
            request: {
              route: 'imports',
              format,
              type,
              sha256: createHash('sha256').update(file).digest('hex'),
            },
          },
          async (idempotency) => ({
            status: 202,
            body: await createImport(deps, {
              file,
              format,
              type,
              actor: key.actor,
              ctx: requestContext(request),
              idempotency,
            }),
          }),
          renderProblems(request),
        );
        const id = (result.body as { id?: unknown } | null)?.id;
        if (result.status === 202 && typeof id === 'string')
          reply.header('location', `/api/v1/imports/${id}`);
        return sendIdempotent(reply as FastifyReply, result);
      },
    );

    const readScope = eitherScope('imports:read', 'imports:write');

    app.get(
      '/api/v1/imports',
      {
        config: { apiKey: { scope: null } },
        preValidation: readScope,
        schema: {
          summary: 'Imports, newest first (scope imports:read or imports:write)',
          tags: ['imports'],
          querystring: importListQuery,
          response: { 200: importList },
        },
      },
      async (request) => listImports(deps, request.query),
    );

    app.get(
      '/api/v1/imports/:importId',
      {
        config: { apiKey: { scope: null } },
        preValidation: readScope,
        schema: {
          summary: 'An import: its status, counts done, failed and remaining, and its first errors',
          description: 'Scope imports:read or imports:write.',
          tags: ['imports'],
          params: importIdParams,
          response: { 200: importView },
        },
      },
      async (request) => getImport(deps, request.params.importId),
    );

    app.get(
      '/api/v1/imports/:importId/errors',
      {
        config: { apiKey: { scope: null } },
        preValidation: readScope,
        schema: {
          summary:
            'An import’s refused lines, in file order, each with the problem the route would have answered',
          description: 'Scope imports:read or imports:write. Pages by line number (`cursor`).',
          tags: ['imports'],
          params: importIdParams,
          querystring: importErrorsQuery,
          response: { 200: importErrorList },
        },
      },
      async (request) => listImportErrors(deps, request.params.importId, request.query),
    );
  };
