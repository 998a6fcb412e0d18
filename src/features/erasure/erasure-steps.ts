import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { type ErasableText, eraseInText, eraseTextIn, type Needles } from '../../platform/erasure/erase-values.ts';
import type { KeepAlive } from '../../platform/operations/index.ts';
import { personalDataFields } from '../../shared/user-catalogue.ts';
import { eraseAuditBatch, systemActor } from '../audit/index.ts';
import { deleteExportFilesHolding, exportsErasableText } from '../exports/index.ts';
import { exportSchedulesErasableText } from '../export-schedules/index.ts';
import { faceImportsErasableText } from '../face-imports/index.ts';
import { deleteImportFilesForErasure, eraseStagedRows, importsErasableText } from '../imports/index.ts';
import { eraseUserChangesBatch, removeErasedUser, usersErasableText } from '../users/index.ts';
import { eraseDeliveriesBatch } from '../webhooks/index.ts';
import type { ErasureRecord } from './erasures.repository.ts';
import type { ErasureSubjectRecord } from './erasure.tables.ts';

/**
 * The steps of an erasure, in order (docs/privacy.md#erasure). Each commits what it removed together
 * with its mark in `steps_done` (a batched step: each batch with its cursor), so a worker killed anywhere
 * resumes after the last commit, and every step may run again without harm (deletes are idempotent, and
 * a value already "[erased]" is left as it is).
 */

export interface ErasureRun {
  ctx: AppContext;
  erasure: ErasureRecord;
  subject: ErasureSubjectRecord;
  needles: Needles;
  alive: KeepAlive;
}

type Counts = Record<string, unknown>;

interface PlainStep {
  name: string;
  run(run: ErasureRun, trx: Transaction<Database>): Promise<Counts>;
}
interface OutsideStep {
  name: string;
  /** Work outside the database (stored objects): done first, then marked in its own transaction. */
  outside(run: ErasureRun): Promise<Counts>;
}
interface BatchedStep {
  name: string;
  batch(run: ErasureRun, trx: Transaction<Database>, cursor: string | null, limit: number): Promise<{ next: string | null; counts: Counts }>;
}
export type ErasureStep = PlainStep | OutsideStep | BatchedStep;

const add = (into: Counts, counts: Counts): Counts => {
  const sum: Counts = { ...into };
  for (const [key, value] of Object.entries(counts)) {
    if (typeof value === 'number') sum[key] = (typeof sum[key] === 'number' ? (sum[key] as number) : 0) + value;
    else if (Array.isArray(value)) sum[key] = [...new Set([...((sum[key] as unknown[]) ?? []), ...value])];
    else sum[key] = value;
  }
  return sum;
};

const freeText: ErasableText[] = [...exportsErasableText, ...exportSchedulesErasableText, ...importsErasableText, ...faceImportsErasableText, ...usersErasableText];

export const erasureSteps: ErasureStep[] = [
  {
    // The minimum the anti-money-laundering duties keep (docs/privacy.md#legal-hold), before the row goes.
    name: 'hold',
    async run({ erasure, subject }, trx) {
      if (!erasure.legal_hold || !erasure.hold_until) return { held: false };
      await trx
        .insertInto('erasure_holds')
        .values({
          erasure_id: erasure.id,
          app_id: erasure.app_id,
          didit_internal_id: erasure.didit_internal_id,
          vendor_data: erasure.vendor_data,
          full_name: subject.full_name,
          date_of_birth: subject.date_of_birth,
          sessions: JSON.stringify(subject.sessions ?? []),
          hold_until: erasure.hold_until,
        })
        .onConflict((conflict) => conflict.column('erasure_id').doNothing())
        .execute();
      return { held: true, fields: ['full_name', 'date_of_birth', 'verification_sessions'], sessions: (subject.sessions ?? []).length };
    },
  },
  {
    name: 'user',
    async run({ erasure }, trx) {
      const actor = { type: 'operator' as const, id: erasure.requested_by, label: erasure.requested_by_label };
      const removed = await removeErasedUser(trx, { orgId: erasure.org_id, appId: erasure.app_id, userId: erasure.didit_internal_id, actor, details: { erasure_id: erasure.id, legal_hold: erasure.legal_hold } });
      return { user_rows: removed.found ? 1 : 0, face_rows: removed.faceKeys.length, sessions: removed.sessions, face_keys: removed.faceKeys };
    },
  },
  {
    name: 'faces',
    async outside({ ctx, erasure }) {
      const keys = ((erasure.removed.user as Counts | undefined)?.face_keys as string[] | undefined) ?? [];
      for (const key of keys) await ctx.storage.delete(key);
      return { objects: keys.length };
    },
  },
  {
    name: 'ledger',
    async batch({ erasure, needles }, trx, cursor, limit) {
      const done = await eraseAuditBatch(trx, { orgId: erasure.org_id, userId: erasure.didit_internal_id, needles, personalFields: personalDataFields }, Number(cursor ?? 0), limit);
      return { next: done.last === null ? null : String(done.last), counts: { entries: done.rewritten, import_ids: done.importIds } };
    },
  },
  {
    name: 'feed',
    async batch({ erasure, needles }, trx, cursor, limit) {
      const done = await eraseUserChangesBatch(trx, erasure.app_id, erasure.didit_internal_id, needles, Number(cursor ?? 0), limit);
      return { next: done.last === null ? null : String(done.last), counts: { changes: done.rewritten } };
    },
  },
  {
    name: 'webhooks',
    async batch({ erasure, needles }, trx, cursor, limit) {
      const done = await eraseDeliveriesBatch(trx, { appId: erasure.app_id, userId: erasure.didit_internal_id, needles }, cursor, limit);
      return { next: done.last, counts: { deliveries: done.rewritten, endpoints: done.endpoints } };
    },
  },
  {
    name: 'staging',
    async run({ ctx, erasure, needles }) {
      const done = await eraseStagedRows(ctx, erasure.app_id, { vendorData: erasure.vendor_data, needles });
      return { rows: done.rows, edits: done.edits, import_ids: done.importIds };
    },
  },
  {
    name: 'import_files',
    async outside({ ctx, erasure }) {
      const ids = [...new Set([...(((erasure.removed.ledger as Counts | undefined)?.import_ids as string[]) ?? []), ...(((erasure.removed.staging as Counts | undefined)?.import_ids as string[]) ?? [])])];
      const deleted = await deleteImportFilesForErasure(ctx, erasure.app_id, ids, { id: erasure.id, orgId: erasure.org_id });
      const before = ((erasure.removed.import_files as Counts | undefined)?.deleted as string[]) ?? [];
      return { deleted: [...new Set([...before, ...deleted])] };
    },
  },
  {
    name: 'export_files',
    async outside({ ctx, erasure, subject, needles }) {
      const deleted = await deleteExportFilesHolding(ctx, erasure.app_id, { didit_internal_id: erasure.didit_internal_id, created_at: subject.created_at, needles }, erasure.id);
      return { deleted };
    },
  },
  {
    name: 'free_text',
    async run({ erasure, needles }, trx) {
      const counts: Counts = {};
      for (const spec of freeText) counts[spec.table] = ((counts[spec.table] as number) ?? 0) + (await eraseTextIn(trx, spec, erasure.app_id, needles));
      // The erasure's own reason may name the person too.
      await trx.updateTable('erasures').set({ reason: eraseInText(erasure.reason, needles) }).where('id', '=', erasure.id).execute();
      return counts;
    },
  },
];

export const erasureActor = systemActor('erasure');

/** Runs the steps not done yet, in order, each committed with its mark. */
export async function runErasureSteps(run: ErasureRun): Promise<void> {
  const { ctx } = run;
  const limit = ctx.config.ERASURE_BATCH_ROWS;
  for (const step of erasureSteps) {
    if (run.erasure.steps_done.includes(step.name)) continue;
    run.alive.checkpoint();
    let counts: Counts = (run.erasure.removed[step.name] as Counts | undefined) ?? {};
    if ('batch' in step) {
      let cursor = run.erasure.step_cursor;
      for (;;) {
        run.alive.checkpoint();
        const finished = await ctx.db.transaction().execute(async (trx) => {
          const done = await step.batch(run, trx, cursor, limit);
          counts = add(counts, done.counts);
          cursor = done.next;
          if (done.next === null) await markDone(trx, run, step.name, counts);
          else await trx.updateTable('erasures').set({ step_cursor: done.next, removed: sql`removed || ${JSON.stringify({ [step.name]: counts })}::jsonb` }).where('id', '=', run.erasure.id).execute();
          return done.next === null;
        });
        if (finished) break;
      }
    } else if ('outside' in step) {
      counts = await step.outside(run);
      await ctx.db.transaction().execute((trx) => markDone(trx, run, step.name, counts));
    } else {
      await ctx.db.transaction().execute(async (trx) => markDone(trx, run, step.name, await step.run(run, trx)));
    }
  }
}

async function markDone(trx: Transaction<Database>, run: ErasureRun, step: string, counts: Counts): Promise<void> {
  await trx
    .updateTable('erasures')
    .set({ steps_done: sql`array_append(steps_done, ${step}::text)`, step_cursor: null, removed: sql`removed || ${JSON.stringify({ [step]: counts })}::jsonb` })
    .where('id', '=', run.erasure.id)
    .where(sql<boolean>`NOT (${step}::text = ANY(steps_done))`)
    .execute();
  run.erasure.steps_done = [...run.erasure.steps_done, step];
  run.erasure.removed = { ...run.erasure.removed, [step]: counts };
  run.erasure.step_cursor = null;
}
