import { buffer } from 'node:stream/consumers';
import type { AppContext } from '../../context.ts';
import type { ZipFile } from '../../platform/archive/zip-writer.ts';
import { auditEntriesAbout } from '../audit/index.ts';
import { readSubjectFaces, readSubjectSessions, readSubjectUser } from '../users/index.ts';
import { buildProcessingRecord } from './processing-record.ts';
import { buildRecipients } from './recipients.ts';

/** What each file of a subject-access package holds (docs/privacy.md#subject-access); README.txt says it to the person. */
const readme = (facts: { appName: string; userId: string; generatedAt: string; faces: number }) => `Subject-access package
======================

Application: ${facts.appName}
Person (didit_internal_id): ${facts.userId}
Generated: ${facts.generatedAt}

This archive holds every piece of personal data Roster keeps about this person, and what Roster
knows about where it went.

user.json         The person's record as it is now: every field, and the list of their face images.
history.json      Every entry of the audit log about the person, oldest first: who created, changed
                  or looked at the record, when, and for a change each field's value before ("from")
                  and after ("to").
sessions.json     The person's identity verification sessions: id, outcome and time.
faces/            The face images themselves (${facts.faces} file${facts.faces === 1 ? '' : 's'}), named by their id.
recipients.json   Every export, scheduled delivery and webhook endpoint that received the person's
                  data, with when and by whom, as far as Roster can tell. "could_not_tell" says plainly
                  what Roster could not work out, and why.
processing.json   Why the data is processed, where it comes from, its categories, who receives it,
                  how long each kind is kept, and the security measures in force.

All times are UTC (ISO 8601).
`;

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
const extensionOf = (contentType: string) => (contentType === 'image/png' ? 'png' : 'jpg');

/** Reads everything the package holds; undefined when the person is no longer in the application. */
export async function buildAccessPackageFiles(ctx: AppContext, app: { id: string; org_id: string; name: string }, userId: string, now = new Date()): Promise<ZipFile[] | undefined> {
  const user = await readSubjectUser(ctx.db, app.id, userId);
  if (!user) return undefined;
  const [sessions, faces, history, recipients, processing] = await Promise.all([
    readSubjectSessions(ctx.db, app.id, userId),
    readSubjectFaces(ctx.db, app.id, userId),
    auditEntriesAbout(ctx.db, app.org_id, app.id, userId),
    buildRecipients(ctx.db, app.id, userId, user, now),
    buildProcessingRecord(ctx, app, now),
  ]);
  const images: ZipFile[] = [];
  for (const face of faces) images.push({ name: `faces/${face.id}.${extensionOf(face.content_type)}`, data: await buffer(await ctx.storage.get(face.storage_key)), stored: true });
  const faceList = faces.map((face, index) => ({ id: face.id, file: images[index]!.name, content_type: face.content_type, comment: face.comment, uploaded_by: face.uploaded_by, created_at: face.created_at.toISOString() }));
  const entries = history.map(({ details: { changes, ...details }, ...entry }) => ({
    id: String(entry.id),
    at: entry.created_at.toISOString(),
    action: entry.action,
    outcome: entry.outcome,
    actor: { type: entry.actor_type, label: entry.actor_label },
    changes: changes ?? null,
    details,
    ip: entry.ip,
  }));
  return [
    { name: 'README.txt', data: Buffer.from(readme({ appName: app.name, userId, generatedAt: now.toISOString(), faces: faces.length }), 'utf8') },
    { name: 'user.json', data: json({ ...user, faces: faceList }) },
    { name: 'history.json', data: json(entries) },
    { name: 'sessions.json', data: json(sessions) },
    ...images,
    { name: 'recipients.json', data: json(recipients) },
    { name: 'processing.json', data: json(processing) },
  ];
}
