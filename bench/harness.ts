/** What bench/run.ts and bench/open-run.ts share: the load-generator child, checkpoints, member sessions. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { BULK_MEMBER_DOMAIN } from '../src/modules/demo/bulk-members';
import { newSecretToken, sha256 } from '../src/platform/ids';
import type { Runtime } from '../src/runtime';
import type { LoadJob, LoadMessage, LoadResult, MeasureMark, OpenLoadJob, OpenLoadResult } from './protocol';

export function startLoadGenerator(): ChildProcess {
  return fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

export function runLoad(child: ChildProcess, job: LoadJob): Promise<LoadResult>;
export function runLoad(
  child: ChildProcess,
  job: OpenLoadJob,
  onMark?: (mark: MeasureMark) => void,
): Promise<OpenLoadResult>;
export function runLoad(
  child: ChildProcess,
  job: LoadJob | OpenLoadJob,
  onMark?: (mark: MeasureMark) => void,
): Promise<LoadResult | OpenLoadResult> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
    const onMessage = (m: LoadMessage) => {
      if ('mark' in m) {
        onMark?.(m.mark);
        return;
      }
      child.off('exit', onExit);
      child.off('message', onMessage);
      if (m.ok) resolve(m.result);
      else reject(new Error(m.error));
    };
    child.once('exit', onExit);
    child.on('message', onMessage);
    child.send(job);
  });
}

export async function checkpoint(runtime: Runtime): Promise<void> {
  // Start each database scenario without a backlog of dirty pages from the one before.
  if (runtime.handle.kind === 'postgres') await sql`checkpoint`.execute(runtime.deps.db);
}

const SESSION_BATCH = 5_000;
/** Sign-in's session lifetimes (members.service: IDLE_MINUTES, ABSOLUTE_HOURS). */
const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 12 * 3600_000;

/**
 * Sessions for `n` bulk members, written as sign-in writes them `signedInMinutesAgo` minutes ago (5 by
 * default, as the closed-loop dashboard always had them: older than a minute, so each session's first
 * request also writes its renewed idle expiry, as a member's first view after a while does; 0 for
 * members who have just signed in, whose view writes only its audit row). Returns their cookies. By
 * default the first `n` members; with `spread`, every k-th of all the bulk members (in id order), so
 * that the requests reach members all over the table and its indexes, not only the first ones seeded.
 */
export async function openBenchSessions(
  runtime: Runtime,
  n: number,
  opts: { spread?: boolean; signedInMinutesAgo?: number } = {},
): Promise<string[]> {
  const db = runtime.deps.db;
  const bulk = `%@${BULK_MEMBER_DOMAIN}`;
  let ids: string[];
  if (opts.spread) {
    const { rows } = await sql<{ id: string }>`
      select id from (
        select id, row_number() over (order by id) - 1 as r, count(*) over () as total
        from members where email like ${bulk}
      ) m
      where r % greatest(total / ${n}, 1) = 0
      order by r
      limit ${n}`.execute(db);
    ids = rows.map((r) => r.id);
  } else {
    const rows = await db.selectFrom('members').select('id').where('email', 'like', bulk).limit(n).execute();
    ids = rows.map((r) => r.id);
  }
  const now = new Date(Date.now() - (opts.signedInMinutesAgo ?? 5) * 60_000);
  const tokens = ids.map(() => newSecretToken());
  for (let start = 0; start < ids.length; start += SESSION_BATCH) {
    await db
      .insertInto('member_sessions')
      .values(
        ids.slice(start, start + SESSION_BATCH).map((id, k) => ({
          id_hash: sha256(tokens[start + k] ?? ''),
          member_id: id,
          csrf_token: newSecretToken(),
          plan_type: null,
          ip: null,
          user_agent: 'bench',
          created_at: now,
          last_seen_at: now,
          idle_expires_at: new Date(now.getTime() + IDLE_MS),
          absolute_expires_at: new Date(now.getTime() + ABSOLUTE_MS),
          stepped_up_at: null,
        })),
      )
      .execute();
  }
  return tokens.map((t) => `settle_session=${t}`);
}

/**
 * Waits until the server has no statement running for this database (three looks in a row, 200 ms
 * apart; at most `maxMs`): after an open-loop run the server may still be working through a backlog of
 * requests whose clients gave up, which would weigh on the next run or meet a closed pool.
 */
export async function waitForQuiet(runtime: Runtime, maxMs = 60_000): Promise<number> {
  const started = performance.now();
  if (runtime.handle.kind !== 'postgres') {
    await new Promise((r) => setTimeout(r, 3_000));
    return performance.now() - started;
  }
  let quietLooks = 0;
  while (quietLooks < 3 && performance.now() - started < maxMs) {
    const { rows } = await sql<{ busy: number }>`
      select count(*)::int as busy from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state not in ('idle')`.execute(
      runtime.deps.db,
    );
    quietLooks = (rows[0]?.busy ?? 0) === 0 ? quietLooks + 1 : 0;
    await new Promise((r) => setTimeout(r, 200));
  }
  return performance.now() - started;
}
