import { z } from 'zod';
import type { FaceImportRecord } from './face-imports.repository.ts';

export const faceImportParams = z.object({ app_id: z.string(), id: z.string() });
export const faceUploadQuery = z.object({
  file_name: z.string().max(255).optional().describe('Name to show for a raw application/zip upload (multipart uploads carry their own)'),
});
export const listFaceImportsQuery = z.object({
  cursor: z.string().max(200).optional(),
  page_size: z.coerce.number().int('must be a whole number').min(1, 'must be 1 to 100').max(100, 'must be 1 to 100').default(20),
});

const isoTime = z.string().describe('ISO 8601 time');

export const faceImportSchema = z.object({
  id: z.string(),
  app_id: z.string(),
  file_name: z.string(),
  file_bytes: z.number(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  total: z.number().describe('Entries the archive holds (known once processing starts)'),
  processed: z.number().describe('added + skipped + failed'),
  added: z.number(),
  skipped: z.number(),
  failed: z.number().describe('Entries that could not be read (a damaged archive)'),
  created_by: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  created_at: isoTime,
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export type FaceImportView = z.infer<typeof faceImportSchema>;

export const faceImportListResponse = z.object({ results: z.array(faceImportSchema), next: z.string().nullable() });

export function toFaceImportView(record: FaceImportRecord): FaceImportView {
  return {
    id: record.id,
    app_id: record.app_id,
    file_name: record.file_name,
    file_bytes: Number(record.file_bytes),
    status: record.status,
    total: record.total,
    processed: record.added + record.skipped + record.failed,
    added: record.added,
    skipped: record.skipped,
    failed: record.failed,
    created_by: { id: record.created_by, email: record.creator_email, name: record.creator_name },
    created_at: record.created_at.toISOString(),
    started_at: record.started_at?.toISOString() ?? null,
    finished_at: record.finished_at?.toISOString() ?? null,
    error: record.error,
  };
}
