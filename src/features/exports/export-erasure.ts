import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { AppContext } from '../../context.ts';
import type { ErasableText, Needles } from '../../platform/erasure/erase-values.ts';
import { transition } from '../../platform/operations/index.ts';
import { systemActor } from '../audit/index.ts';
import { exportOperation } from './export-operation.ts';
import type { ExportRecord } from './exports.repository.ts';

/**
 * The exports feature's part of an erasure (docs/privacy.md#erasure). Export files whose link has not
 * expired yet and that hold the person are deleted, not rewritten: the export then reads `expired`
 * (`export.file_deleted`, with the erasure's id), and the certificate lists it. A CSV or JSONL part
 * holds the person when its text holds their id, email, phone or a name; a Parquet file is compressed
 * column by column, so one made after the user was created is taken to hold them.
 */

export interface ErasedPerson {
  didit_internal_id: string;
  created_at: string;
  needles: Needles;
}

/** Unexpired export files of the application that hold the person, deleted; answers their ids. */
export async function deleteExportFilesHolding(ctx: AppContext, appId: string, person: ErasedPerson, erasureId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('exports')
    .innerJoin('applications', 'applications.id', 'exports.app_id')
    .select(['exports.id', 'applications.org_id', 'exports.storage_key', 'exports.parts', 'exports.format', 'exports.compression', 'exports.created_at', 'exports.row_count'])
    .where('exports.app_id', '=', appId)
    .where('exports.status', '=', 'completed')
    .where('exports.file_deleted_at', 'is', null)
    .orderBy('exports.created_at')
    .execute();
  const deleted: string[] = [];
  for (const record of rows) {
    if (!(await holdsPerson(ctx, record, person))) continue;
    for (const key of [record.storage_key, ...(record.parts ?? []).map((part) => part.key)]) if (key) await ctx.storage.delete(key);
    await transition(ctx.db, exportOperation, { id: record.id, appId }, {
      to: 'expired',
      from: ['completed'],
      set: { file_deleted_at: new Date() },
      audit: { orgId: record.org_id, appId, actor: systemActor('erasure'), details: { reason: 'erasure: the file held an erased person', erasure_id: erasureId, row_count: record.row_count } },
    });
    deleted.push(record.id);
  }
  return deleted;
}

type StoredExport = Pick<ExportRecord, 'storage_key' | 'parts' | 'format' | 'compression' | 'created_at'>;

async function holdsPerson(ctx: AppContext, record: StoredExport, person: ErasedPerson): Promise<boolean> {
  if (record.format === 'parquet') return record.created_at.getTime() >= new Date(person.created_at).getTime();
  const texts = [person.didit_internal_id.toLowerCase(), ...person.needles.texts];
  const keys = (record.parts ?? []).filter((part) => part.name !== 'manifest.json').map((part) => part.key);
  for (const key of keys.length > 0 ? keys : [record.storage_key!]) {
    if (await streamHolds(ctx, key, record.compression === 'gzip', texts)) return true;
  }
  return false;
}

/** Reads one stored part as text, looking for any of `texts` (lower case), across chunk boundaries. */
async function streamHolds(ctx: AppContext, key: string, gzip: boolean, texts: readonly string[]): Promise<boolean> {
  const stored = await ctx.storage.get(key);
  const stream: NodeJS.ReadableStream = gzip ? stored.pipe(createGunzip()) : stored;
  const overlap = Math.max(...texts.map((text) => text.length));
  // A decoder keeps a character split between two chunks whole.
  const decoder = new StringDecoder('utf8');
  let tail = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const window = (tail + decoder.write(chunk)).toLowerCase();
    if (texts.some((text) => window.includes(text))) {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      return true;
    }
    tail = window.slice(-overlap);
  }
  return false;
}

/** Free-text columns of exports and schedules that may name a person (a search filter, an error). */
export const exportsErasableText: ErasableText[] = [
  { table: 'exports', key: ['id'], columns: ['filters', 'error'], appScope: { column: 'app_id' } },
];
