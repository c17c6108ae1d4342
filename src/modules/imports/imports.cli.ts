/**
 * `settle import FILE`: the bulk import from the command line, against the database DATABASE_URL (or
 * DATA_DIR) names, like `settle api-key`. It stores the import through the same service as POST
 * /api/v1/imports and applies it in this process with the same holding code as the worker, so it needs
 * no worker running and is safe beside one (whoever holds the import applies the next lines; this
 * process then follows its progress). A progress bar on stderr when that is a terminal, a line every
 * few seconds otherwise; a summary on stdout; exit 1 when lines were refused.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../../config';
import { AppError } from '../../errors';
import { createLogger } from '../../platform/logger';
import { openRuntime } from '../../runtime';
import { type CsvRecordType, csvRecordTypes, type ImportFormat } from './import-file';
import { type ImportView, MAX_IMPORT_BYTES } from './imports.schema';
import { applyImport, createImport, getImport, listImportErrors } from './imports.service';

export const importUsage = `Usage: settle import FILE [--format ndjson|csv] [--type people|accounts|bills] [--json]
       settle import --resume IMPORT_ID

  FILE             NDJSON (one record a line: {"type":"person"|"account"|"bill","externalId":…}) or
                   CSV of one record type with the documented header (README "Import a file"); at most
                   25 MiB. The format follows the extension (.csv, .ndjson, .jsonl) unless --format says.
  --type           CSV only: people, accounts or bills
  --resume ID      go on with an import a stopped run left unfinished (its id was printed at the start)
  --json           print the summary as JSON

Lines are applied in file order through the same upserts as the API: importing the same file again
changes nothing (every line comes back unchanged). Exit code 1 when any line was refused.`;

const cliActor = { type: 'system', name: 'cli' } as const;

function formatOf(file: string, given: string | undefined): ImportFormat | null {
  if (given === 'ndjson' || given === 'csv') return given;
  if (given !== undefined) return null;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return null;
}

/** Draws progress on a stream: a bar redrawn in place on a terminal, a plain line every few seconds otherwise. */
export function progressReporter(out: NodeJS.WriteStream, intervalMs = 5_000) {
  const tty = out.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(view: ImportView, final = false) {
      const { total, done, failed } = view.counts;
      const handled = done + failed;
      const pct = total === 0 ? 100 : Math.floor((handled * 100) / total);
      const text = `${handled}/${total} records (${pct}%), ${failed} refused`;
      if (tty) {
        const width = 30;
        const filled = Math.round((width * pct) / 100);
        out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}\u001b[K`);
        drawn = true;
        if (final) out.write('\n');
        return;
      }
      const now = Date.now();
      if (final || now - last >= intervalMs) {
        last = now;
        out.write(`import ${view.id}: ${text}\n`);
      }
    },
    end() {
      if (tty && drawn) out.write('\n');
      drawn = false;
    },
  };
}

function summary(view: ImportView, errors: Awaited<ReturnType<typeof listImportErrors>>['data']): string {
  const { created, updated, unchanged } = view.results;
  const lines = [
    `Import ${view.id} ${view.status}: ${view.counts.total} records, ${created} created, ${updated} updated, ` +
      `${unchanged} unchanged, ${view.counts.failed} refused.`,
  ];
  for (const e of errors) {
    const fields = (e.problem.errors ?? []).map((f) => `${f.field}: ${f.message}`).join('; ');
    const what = [e.type, e.externalId].filter(Boolean).join(' ');
    lines.push(
      `  line ${e.line}${what ? ` (${what})` : ''}: ${e.problem.detail ?? e.problem.title}${fields ? ` — ${fields}` : ''}`,
    );
  }
  if (view.counts.failed > errors.length) {
    lines.push(`  … and ${view.counts.failed - errors.length} more (GET /api/v1/imports/${view.id}/errors)`);
  }
  return lines.join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `settle import`; the exit code (2 for a usage error or a refused file, 1 when lines were refused). */
export async function importCommand(config: Config, argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${importUsage}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (values.help) {
    console.log(importUsage);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (extra.length > 0 || (!file && !values.resume) || (file && values.resume)) {
    console.error(importUsage);
    return 2;
  }
  if (values.resume !== undefined && !z.uuid().safeParse(values.resume).success) {
    console.error('--resume takes the id of an import (a UUID), as printed when it started.');
    return 2;
  }
  const type = values.type as CsvRecordType | undefined;
  if (type !== undefined && !csvRecordTypes.includes(type)) {
    console.error(`--type is one of ${csvRecordTypes.join(', ')}`);
    return 2;
  }
  let bytes: Buffer | null = null;
  let format: ImportFormat | null = null;
  if (file) {
    format = formatOf(file, values.format);
    if (!format) {
      console.error(
        'Say the file format with --format ndjson or --format csv (or name the file .csv or .ndjson).',
      );
      return 2;
    }
    try {
      if ((await stat(file)).size > MAX_IMPORT_BYTES) {
        console.error(`${file} is larger than 25 MiB: split it into several files.`);
        return 2;
      }
      bytes = await readFile(file);
    } catch (err) {
      console.error(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
  }

  // Log lines go to stderr, so stdout is only the summary (JSON with --json).
  const runtime = await openRuntime(config, { logger: createLogger(config.logLevel, process.stderr) });
  const progress = progressReporter(process.stderr);
  try {
    const deps = runtime.deps;
    const started =
      bytes && format
        ? await createImport(deps, { file: bytes, format, type: type ?? null, actor: cliActor, ctx: null })
        : await getImport(deps, values.resume ?? '');
    console.error(`Import ${started.id}: ${started.counts.total} records.`);
    progress.update(started);
    for (;;) {
      const run = await applyImport(deps, started.id, {
        // Smaller batches than the worker's, so the bar moves often.
        batchSize: 25,
        onProgress: (view) => progress.update(view),
      });
      const view = await getImport(deps, started.id);
      if (view.status === 'completed' || view.status === 'failed') break;
      // A worker holds it (or took it over): follow its progress.
      if (!run || run.lost) {
        progress.update(view);
        await sleep(1_000);
      }
    }
    const final = await getImport(deps, started.id);
    progress.update(final, true);
    progress.end();
    const errors = (await listImportErrors(deps, final.id, { limit: 20 })).data;
    if (values.json) console.log(JSON.stringify({ ...final, firstErrors: errors }, null, 2));
    else console.log(summary(final, errors));
    return final.counts.failed > 0 ? 1 : 0;
  } catch (err) {
    progress.end();
    if (!(err instanceof AppError)) throw err;
    const fields = (err.details.errors ?? []).map((e) => `  ${e.field}: ${e.message}`);
    console.error([err.message, ...fields].join('\n'));
    return 2;
  } finally {
    await runtime.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      type: { type: 'string' },
      resume: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
