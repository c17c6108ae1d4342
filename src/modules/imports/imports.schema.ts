/** The bulk import contract: the import resource, its error report and the upload's parameters. */
import { z } from 'zod';

/** The largest file POST /api/v1/imports takes (the other routes take 64 KiB). */
export const MAX_IMPORT_BYTES = 25 * 1024 * 1024;

export const importIdParams = z.object({ importId: z.uuid() });
export type ImportIdParams = z.infer<typeof importIdParams>;

export const createImportQuery = z.object({
  type: z
    .enum(['people', 'accounts', 'bills'])
    .optional()
    .describe('CSV only, and required there: which records the file holds (one type per CSV file)'),
});
export type CreateImportQuery = z.infer<typeof createImportQuery>;

const fieldError = z.object({ field: z.string(), code: z.string(), message: z.string() });

/** A refused line: where it is, what it is, and the problem the PUT would have answered. */
export const importLineError = z.object({
  line: z
    .int()
    .describe('The line of the file (CSV: the row; for a bill, its first row; the header is line 1)'),
  type: z.enum(['person', 'account', 'bill']).nullable().describe('null when the line could not be read'),
  externalId: z.string().nullable(),
  problem: z
    .object({
      code: z.string(),
      status: z.int(),
      title: z.string(),
      detail: z.string().optional(),
      errors: z.array(fieldError).optional(),
    })
    .catchall(z.unknown())
    .describe('What the intake route would have answered (RFC 9457 problem, without type and instance)'),
});
export type ImportLineError = z.infer<typeof importLineError>;

export const importView = z
  .object({
    id: z.uuid(),
    format: z.enum(['ndjson', 'csv']),
    type: z.enum(['people', 'accounts', 'bills']).nullable().describe('CSV: the records the file holds'),
    status: z
      .enum(['queued', 'running', 'completed', 'failed'])
      .describe('completed: every line applied or refused; failed: finished with no line applied'),
    fileSha256: z.string(),
    fileBytes: z.int(),
    counts: z.object({
      total: z.int().describe('Records in the file (a CSV bill of several rows is one)'),
      done: z.int().describe('Applied: created, updated or unchanged'),
      failed: z.int(),
      remaining: z.int(),
    }),
    results: z.object({ created: z.int(), updated: z.int(), unchanged: z.int() }),
    firstErrors: z
      .array(importLineError)
      .describe('The first refused lines (up to 10); all of them at GET /api/v1/imports/{importId}/errors'),
    createdBy: z.string().describe('The API key id, or `cli`'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({
    examples: [
      {
        id: '0193a7e2-5b1c-7d3e-9f00-1a2b3c4d5e6f',
        format: 'ndjson',
        type: null,
        status: 'running',
        fileSha256: 'a3f1c9e0b7d24e5f8c6a1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f',
        fileBytes: 48213,
        counts: { total: 120, done: 100, failed: 1, remaining: 19 },
        results: { created: 98, updated: 0, unchanged: 2 },
        firstErrors: [
          {
            line: 7,
            type: 'account',
            externalId: 'ACC-1007',
            problem: {
              code: 'reference_not_found',
              status: 422,
              title: 'A record this refers to does not exist',
              detail: 'Create the people an account names first',
              errors: [
                {
                  field: 'personExternalId',
                  code: 'unknown_person',
                  message: 'No person with externalId "P-77" (PUT /api/v1/people/{externalId} first)',
                },
              ],
            },
          },
        ],
        createdBy: 'abcdefghijklmnop',
        createdAt: '2026-11-23T18:00:00.000Z',
        updatedAt: '2026-11-23T18:00:04.000Z',
        startedAt: '2026-11-23T18:00:01.000Z',
        finishedAt: null,
      },
    ],
  });
export type ImportView = z.infer<typeof importView>;

export const importListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The last id of the previous page. */
  cursor: z.uuid().optional(),
});
export type ImportListQuery = z.infer<typeof importListQuery>;

export const importList = z.object({
  data: z.array(importView),
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: z.uuid().nullable(),
});
export type ImportList = z.infer<typeof importList>;

export const importErrorsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The last line of the previous page. */
  cursor: z.coerce.number().int().min(0).max(100_000_000).optional(),
});
export type ImportErrorsQuery = z.infer<typeof importErrorsQuery>;

export const importErrorList = z.object({
  data: z.array(importLineError),
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: z.int().nullable(),
});
export type ImportErrorList = z.infer<typeof importErrorList>;
