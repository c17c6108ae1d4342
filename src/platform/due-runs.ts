/**
 * One pass of a run that pays things on their day (scheduled payments, automatic payments, debits
 * presented again): in each region, claim what is due by the region's calendar (from its 5 am run
 * time) for `workerClaimSeconds`, and run each. Any number of workers may call it at once; the claim
 * (FOR UPDATE SKIP LOCKED) gives each item to one of them.
 */
import type { Deps } from '../deps';
import { lastDueDate } from '../domain/scheduling';
import { toDate } from './clock';

export interface DueClaim {
  regionId: string;
  /** The latest day whose items are due now in the region (ISO date). */
  lastDue: string;
  now: Date;
  /** The claim's lease: another worker takes an item whose lease has passed. */
  lockedUntil: Date;
}

export async function runDueByRegion<Row extends { id: string }, Outcome extends string>(
  deps: Deps,
  opts: {
    /** For the log: what the rows are. */
    what: string;
    claim: (claim: DueClaim) => Promise<Row[]>;
    /** Runs one claimed row; or */
    run?: (row: Row) => Promise<Outcome>;
    /** runs a whole claim, answering each row's outcome in order (a row it could not run: `pending`). */
    runAll?: (rows: readonly Row[]) => Promise<Outcome[]>;
    /** The outcomes, all at zero; an item whose run threw counts as `pending`. */
    counts: Record<Outcome, number>;
    pending: Outcome;
  },
): Promise<Record<Outcome, number>> {
  const { counts } = opts;
  for (const region of deps.config.organization.regions) {
    const now = deps.clock.now();
    const claimed = await opts.claim({
      regionId: region.id,
      lastDue: lastDueDate(region.timeZone, now).toString(),
      now: toDate(now),
      lockedUntil: toDate(now.add({ seconds: deps.config.workerClaimSeconds })),
    });
    if (opts.runAll) {
      if (claimed.length === 0) continue;
      try {
        for (const outcome of await opts.runAll(claimed)) counts[outcome]++;
      } catch (err) {
        // Left claimed, as a row whose run threw.
        counts[opts.pending] += claimed.length;
        deps.logger.warn(
          { what: opts.what, rows: claimed.length, err: (err as Error).message },
          'due run failed',
        );
      }
      continue;
    }
    const run = opts.run;
    if (!run) throw new Error(`runDueByRegion(${opts.what}) needs run or runAll`);
    for (const row of claimed) {
      try {
        counts[await run(row)]++;
      } catch (err) {
        // Left claimed: the next worker to find its lease expired picks it up again.
        counts[opts.pending]++;
        deps.logger.warn({ what: opts.what, id: row.id, err: (err as Error).message }, 'due run failed');
      }
    }
  }
  return counts;
}
