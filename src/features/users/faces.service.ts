import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { AppError, conflict, tooLarge } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Principal } from '../auth/principal.ts';
import { countFaces, insertFace, listFaces } from './faces.repository.ts';
import { base64DecodedLength, decodeStrictBase64, readImageHeader } from './image-format.ts';
import type { FieldError } from './user-fields.ts';
import { unexpectedFields, validateNote, validationError } from './user-input.ts';
import { findUser, lockUser, type UsersActor } from './users.service.ts';

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

const invalidImage = (message: string) => new AppError(422, 'invalid_image', message, [{ field: 'image', code: 'invalid_image', message }]);
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
  if (bytes.length > MAX_FACE_BYTES) throw tooLarge('image_too_large', `The image is larger than ${MAX_FACE_BYTES / 1024 / 1024} MB once decoded`);
  const info = readImageHeader(bytes);
  if (!info) throw invalidImage('image is not a readable JPEG or PNG');
  return { bytes, info, comment: comment.value };
}

/** Stores a face image for a user (at most five a user) and answers with a signed, expiring link to it. */
export async function uploadFace(ctx: AppContext, actor: UsersActor, userId: string, body: Record<string, unknown>): Promise<FaceResponse> {
  const user = await findUser(ctx, actor.appId, { id: userId });
  const { bytes, info, comment } = parseFaceBody(body);
  if ((await countFaces(ctx.db, actor.appId, user.didit_internal_id)) >= MAX_FACES_PER_USER) throw tooManyFaces();

  const faceId = randomUUID();
  const storageKey = `faces/${actor.appId}/${faceId}.${info.extension}`;
  const uploadedBy = uploaderLabel(actor.principal);
  // The file goes first: a face row must never point at a file that is not there. If the row is not
  // written after all (limit reached meanwhile, user deleted), the file is removed again.
  await ctx.storage.put(storageKey, bytes, { contentType: info.contentType, maxBytes: MAX_FACE_BYTES });
  let face;
  try {
    face = await ctx.db.transaction().execute(async (trx) => {
      // The user's row lock serialises uploads for one user, so the limit holds under concurrency.
      await lockUser(trx, actor.appId, { id: user.didit_internal_id });
      if ((await countFaces(trx, actor.appId, user.didit_internal_id)) >= MAX_FACES_PER_USER) throw tooManyFaces();
      const row = await insertFace(trx, actor.appId, { id: faceId, userId: user.didit_internal_id, storageKey, contentType: info.contentType, bytes: bytes.length, comment, uploadedBy });
      await recordAudit(trx, {
        orgId: actor.principal.orgId,
        appId: actor.appId,
        actor: actor.principal,
        ip: actor.ip,
        action: 'face.uploaded',
        target: { type: 'user', id: user.didit_internal_id },
        details: { vendor_data: user.vendor_data, face_id: faceId, content_type: info.contentType, bytes: bytes.length, width: info.width, height: info.height },
      });
      return row;
    });
  } catch (error) {
    await ctx.storage.delete(storageKey).catch((cleanupError: Error) => ctx.log.warn(`could not remove face image ${storageKey}: ${cleanupError.message}`));
    throw error;
  }
  return { uuid: face.id, image_url: await faceLink(ctx, face), comment: face.comment, uploaded_by: face.uploaded_by, created_at: face.created_at.toISOString() };
}

/** A user's faces, oldest first, each with a fresh signed link. */
export async function facesOfUser(ctx: AppContext, appId: string, userId: string): Promise<FaceResponse[]> {
  const faces = await listFaces(ctx.db, appId, userId);
  return Promise.all(
    faces.map(async (face) => ({ uuid: face.id, image_url: await faceLink(ctx, face), comment: face.comment, uploaded_by: face.uploaded_by, created_at: face.created_at.toISOString() })),
  );
}
