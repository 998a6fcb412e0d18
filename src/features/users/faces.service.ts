import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, conflict, tooLarge } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import type { Principal } from '../auth/index.ts';
import { countFaces, faceUsesKey, hasFaceWithHash, insertFace, listFaces } from './faces.repository.ts';
import { base64DecodedLength, decodeStrictBase64, type ImageInfo, readImageHeader } from './image-format.ts';
import type { FieldError } from './user-fields.ts';
import { unexpectedFields, validateNote, validationError } from './user-input.ts';
import { findUser, lockUser, type UsersActor } from './users.service.ts';
import { isUniqueViolation } from '../../db/postgres-errors.ts';

export const MAX_FACE_BYTES = 2 * 1024 * 1024;
export const MAX_FACES_PER_USER = 5;
const FACE_LINK_SECONDS = 60 * 60;
const MAX_COMMENT_CHARS = 500;

export interface FaceResponse {
  uuid: string;
  image_url: string;
  comment: string | null;
  uploaded_by: string;
  created_at: string;
}

const invalidImage = (message: string) => new AppError('invalid_image', message, [{ field: 'image', code: 'invalid_image', message }]);
const duplicateFace = () => conflict('duplicate_face', 'This user already has this exact image (same SHA-256)');
const tooManyFaces = () => conflict('too_many_faces', `This user already has ${MAX_FACES_PER_USER} faces, the most a user may have`);

export function uploaderLabel(principal: Principal): string {
  return principal.kind === 'api_key' ? `api key ${principal.keyPrefix}` : principal.email;
}

function faceLink(ctx: AppContext, face: { storage_key: string; content_type: string }): Promise<string> {
  return ctx.storage.signedUrl(face.storage_key, { expiresInSeconds: FACE_LINK_SECONDS, contentType: face.content_type });
}

/** Checks the body and returns the decoded image, or throws the error that says what is wrong with it. */
function parseFaceBody(body: Record<string, unknown>) {
  const errors: FieldError[] = unexpectedFields(body, ['image', 'comment']);
  const comment = validateNote('comment', body.comment, { required: false, maxChars: MAX_COMMENT_CHARS });
  if (!comment.ok) errors.push(comment.error);
  const { image } = body;
  if (image === undefined || image === null || image === '') errors.push({ field: 'image', code: 'missing_image', message: 'image is required: the raw base64 of a JPEG or PNG' });
  else if (typeof image !== 'string') errors.push({ field: 'image', code: 'invalid_image', message: 'image must be a base64 string' });
  if (errors.length > 0 || !comment.ok) throw validationError(errors);

  const text = (image as string).trim();
  if (/^data:/i.test(text)) throw invalidImage('Send the raw base64 of the image, without the "data:…;base64," prefix');
  if (base64DecodedLength(text.replace(/\s+/g, '')) > MAX_FACE_BYTES) throw tooLarge('image_too_large', `The image is larger than ${MAX_FACE_BYTES / 1024 / 1024} MB once decoded`);
  const bytes = decodeStrictBase64(text);
  if (!bytes) throw invalidImage('image is not valid base64 (standard alphabet, with padding)');
  return { bytes, info: checkFaceImage(bytes), comment: comment.value };
}

/** The checks every face image passes, whichever way it arrives (API, bulk ZIP): size, then a readable JPEG or PNG. */
export function checkFaceImage(bytes: Buffer): ImageInfo {
  if (bytes.length > MAX_FACE_BYTES) throw tooLarge('image_too_large', `The image is larger than ${MAX_FACE_BYTES / 1024 / 1024} MB once decoded`);
  const info = readImageHeader(bytes);
  if (!info) throw invalidImage('image is not a readable JPEG or PNG');
  return info;
}

/** Stores a face image for a user (at most five a user) and answers with a signed, expiring link to it. */
export async function uploadFace(ctx: AppContext, actor: UsersActor, userId: string, body: Record<string, unknown>): Promise<FaceResponse> {
  const user = await findUser(ctx, actor.appId, { id: userId });
  const { bytes, info, comment } = parseFaceBody(body);
  if ((await countFaces(ctx.db, actor.appId, user.didit_internal_id)) >= MAX_FACES_PER_USER) throw tooManyFaces();
  const face = await storeFace(ctx, actor, user, { bytes, info, comment });
  return { uuid: face.id, image_url: await faceLink(ctx, face), comment: face.comment, uploaded_by: face.uploaded_by, created_at: face.created_at.toISOString() };
}

/** A UUID (version 5 layout) named by the application, the user and the image's SHA-256. */
function faceIdFor(appId: string, userId: string, sha256: Buffer): string {
  const digest = createHash('sha256').update(`face:${appId}:${userId}:`).update(sha256).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface StoreFaceOptions {
  /** Added to the face.uploaded audit entry (bulk faces put `face_import_id` there). */
  auditDetails?: Record<string, unknown>;
  /** Runs in the face's transaction after the row is written: a bulk import records its entry there. */
  alsoInTransaction?: (trx: Transaction<Database>, faceId: string) => Promise<void>;
}

/**
 * Writes a checked image as a face of `user`: the file, then the row and its audit entry in one
 * transaction. Throws 409 too_many_faces or duplicate_face (the same SHA-256 already on that user).
 * The face's id (and so its file's key) is derived from the user and the hash, so a retry after a
 * crash rewrites the same file instead of leaving another behind.
 */
export async function storeFace(
  ctx: AppContext,
  actor: UsersActor,
  user: { didit_internal_id: string; vendor_data: string },
  image: { bytes: Buffer; info: ImageInfo; comment: string | null },
  options: StoreFaceOptions = {},
) {
  const { bytes, info } = image;
  const sha256 = createHash('sha256').update(bytes).digest();
  const faceId = faceIdFor(actor.appId, user.didit_internal_id, sha256);
  const storageKey = `faces/${actor.appId}/${faceId}.${info.extension}`;
  const uploadedBy = uploaderLabel(actor.principal);
  if (await hasFaceWithHash(ctx.db, actor.appId, user.didit_internal_id, sha256)) throw duplicateFace();
  // The file goes first: a face row must never point at a file that is not there. If the row is not
  // written after all (limit reached meanwhile, user deleted), the file is removed again unless a face uses it.
  await ctx.storage.put(storageKey, bytes, { contentType: info.contentType, maxBytes: MAX_FACE_BYTES });
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      // The user's row lock serialises uploads for one user, so the limit and the hash check hold under concurrency.
      await lockUser(trx, actor.appId, { id: user.didit_internal_id });
      if ((await countFaces(trx, actor.appId, user.didit_internal_id)) >= MAX_FACES_PER_USER) throw tooManyFaces();
      if (await hasFaceWithHash(trx, actor.appId, user.didit_internal_id, sha256)) throw duplicateFace();
      const row = await insertFace(trx, actor.appId, { id: faceId, userId: user.didit_internal_id, storageKey, contentType: info.contentType, bytes: bytes.length, comment: image.comment, uploadedBy, sha256 });
      await recordAudit(trx, {
        orgId: actor.principal.orgId,
        appId: actor.appId,
        actor: actor.principal,
        ip: actor.ip,
        action: 'face.uploaded',
        target: { type: 'user', id: user.didit_internal_id },
        details: { vendor_data: user.vendor_data, face_id: faceId, content_type: info.contentType, bytes: bytes.length, width: info.width, height: info.height, ...options.auditDetails },
      });
      await options.alsoInTransaction?.(trx, faceId);
      return row;
    });
  } catch (error) {
    if (!(await faceUsesKey(ctx.db, actor.appId, storageKey).catch(() => true))) {
      await ctx.storage.delete(storageKey).catch((cleanupError: Error) => ctx.log.warn(`could not remove face image ${storageKey}: ${cleanupError.message}`));
    }
    if (isUniqueViolation(error)) throw duplicateFace();
    throw error;
  }
}

/** A user's faces, oldest first, each with a fresh signed link. */
export async function facesOfUser(ctx: AppContext, appId: string, userId: string): Promise<FaceResponse[]> {
  const faces = await listFaces(ctx.db, appId, userId);
  return Promise.all(
    faces.map(async (face) => ({ uuid: face.id, image_url: await faceLink(ctx, face), comment: face.comment, uploaded_by: face.uploaded_by, created_at: face.created_at.toISOString() })),
  );
}
