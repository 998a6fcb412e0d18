import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendLinkErrorPage, wantsPage } from '../../http/link-error-page.ts';
import { type ErrorCode, errorCodes } from '../../shared/error-codes.ts';
import {
  assertHeaderSafe,
  assertValidExpiry,
  assertValidKey,
  attachmentDisposition,
  InvalidStorageKeyError,
  meterBody,
  StorageNotFoundError,
  type ObjectStorage,
  type PutOptions,
  type SignedUrlOptions,
} from './object-storage.js';
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from '../private-files.js';
import { removeStaleTemporaryFiles } from '../temporary-files.js';

export interface LocalStorageOptions {
  /** Objects live under `${dataDir}/files/`. */
  dataDir: string;
  /** Base of signed links, e.g. `http://127.0.0.1:3000`. */
  publicUrl: string;
  secret: string;
}

export class LocalStorage implements ObjectStorage {
  readonly kind = 'local' as const;
  readonly root: string;
  private readonly publicUrl: string;
  private readonly secret: string;
  private readonly tightened = new Set<string>();

  constructor(opts: LocalStorageOptions) {
    this.root = resolve(opts.dataDir, 'files');
    this.publicUrl = opts.publicUrl.replace(/\/+$/, '');
    this.secret = opts.secret;
  }

  async put(key: string, body: NodeJS.ReadableStream | Buffer, opts: PutOptions = {}): Promise<{ bytes: number }> {
    const path = this.pathFor(key);
    // Attached before the first await so an error the source emits meanwhile is not lost.
    const meter = meterBody(body, opts.maxBytes);
    const folder = dirname(path);
    // Same folder so rename() is atomic; the leading dot keeps it out of the key space.
    const tempPath = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    let file: WriteStream | undefined;
    try {
      await ensurePrivateFolder(this.root, folder, this.tightened);
      // Opened before piping so the cleanup below cannot race a lazy open that recreates the file.
      const handle = await open(tempPath, 'wx', PRIVATE_FILE_MODE);
      file = handle.createWriteStream({ flush: true });
      await pipeline(meter, file);
      await rename(tempPath, path);
    } catch (err) {
      meter.destroy();
      if (file && !file.closed) await once(file, 'close').catch(() => undefined);
      await rm(tempPath, { force: true });
      throw err;
    }
    await syncFolder(folder);
    return { bytes: meter.bytes };
  }

  async get(key: string): Promise<NodeJS.ReadableStream> {
    const path = this.pathFor(key);
    try {
      // Opening first turns a missing file into StorageNotFoundError here, not a later stream error.
      const handle = await open(path, 'r');
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw new StorageNotFoundError(key);
      }
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) throw new StorageNotFoundError(key);
      throw err;
    }
  }

  async stat(key: string): Promise<{ bytes: number } | null> {
    try {
      const info = await stat(this.pathFor(key));
      return info.isFile() ? { bytes: info.size } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathFor(key), { force: true });
  }

  async signedUrl(key: string, opts: SignedUrlOptions): Promise<string> {
    assertValidKey(key);
    assertValidExpiry(opts.expiresInSeconds);
    assertHeaderSafe('downloadName', opts.downloadName);
    assertHeaderSafe('contentType', opts.contentType);
    const expires = String(Math.floor(Date.now() / 1000) + opts.expiresInSeconds);
    const name = opts.downloadName ?? '';
    const type = opts.contentType ?? '';
    const query = new URLSearchParams({ expires });
    if (name) query.set('name', name);
    if (type) query.set('type', type);
    query.set('sig', signature(this.secret, key, expires, name, type));
    const path = key.split('/').map(encodeURIComponent).join('/');
    return `${this.publicUrl}/files/${path}?${query.toString()}`;
  }

  sweepTemporaryFiles(olderThan: Date): Promise<number> {
    return removeStaleTemporaryFiles(this.root, olderThan);
  }

  private pathFor(key: string): string {
    assertValidKey(key);
    const path = join(this.root, ...key.split('/'));
    // Belt and braces: assertValidKey should already make escaping the root impossible.
    if (!path.startsWith(this.root + sep)) throw new InvalidStorageKeyError(key, 'outside the storage folder');
    return path;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Makes the rename itself durable; some platforms cannot fsync a folder, which is fine. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Durability of the folder entry is best effort; the data itself was flushed before rename.
  } finally {
    await handle?.close();
  }
}

function signature(secret: string, key: string, expires: string, name: string, type: string): string {
  // JSON framing so no two (key, expires, name, type) tuples share a payload.
  return createHmac('sha256', secret).update(JSON.stringify([key, expires, name, type])).digest('hex');
}

export type SignatureCheck = 'ok' | 'expired' | 'invalid';

/** Checks a link made by LocalStorage.signedUrl; `query` is the parsed query string. */
export function verifyLocalSignature(secret: string, key: string, query: Record<string, unknown>): SignatureCheck {
  const { expires, sig } = query;
  const name = query.name ?? '';
  const type = query.type ?? '';
  if (typeof expires !== 'string' || !/^\d{1,15}$/.test(expires)) return 'invalid';
  if (typeof sig !== 'string' || !/^[0-9a-f]{64}$/.test(sig)) return 'invalid';
  if (typeof name !== 'string' || typeof type !== 'string') return 'invalid';
  const expected = Buffer.from(signature(secret, key, expires, name, type), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return 'invalid';
  // Checked after the signature so a forged expiry reads as tampering, not as an old link.
  return Number(expires) < Math.floor(Date.now() / 1000) ? 'expired' : 'ok';
}

const TYPES_BY_EXTENSION: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(errorCodes[code].status).header('cache-control', 'private, no-store').send({ error: { code, message } });
}

/** Serves `GET /files/<key>` for links signed by LocalStorage.signedUrl. */
export async function localFilesRoutes(
  app: FastifyInstance,
  opts: { storage: ObjectStorage; secret: string },
): Promise<void> {
  const { storage, secret } = opts;
  app.get('/files/*', async (request, reply) => {
    const key = (request.params as Record<string, string | undefined>)['*'] ?? '';
    const query = (request.query ?? {}) as Record<string, unknown>;
    const check = verifyLocalSignature(secret, key, query);
    // A browser gets the refusal as a page in words (src/http/link-error-page.ts), a script as JSON.
    const refuse = (code: ErrorCode, message: string) => (wantsPage(request) ? sendLinkErrorPage(reply, code, message) : sendError(reply, code, message));
    if (check === 'invalid') return refuse('invalid_signature', 'This link is not valid.');
    if (check === 'expired') return refuse('link_expired', 'This link has expired; ask for a new one.');

    let stream: NodeJS.ReadableStream;
    let bytes: number;
    try {
      const info = await storage.stat(key);
      if (!info) return refuse('not_found', 'The file no longer exists.');
      bytes = info.bytes;
      stream = await storage.get(key);
    } catch (err) {
      if (err instanceof StorageNotFoundError || err instanceof InvalidStorageKeyError) {
        return refuse('not_found', 'The file no longer exists.');
      }
      throw err;
    }

    const name = typeof query.name === 'string' ? query.name : '';
    const type = typeof query.type === 'string' && query.type ? query.type : undefined;
    reply
      .header('content-type', type ?? TYPES_BY_EXTENSION[extname(key).toLowerCase()] ?? 'application/octet-stream')
      .header('content-length', bytes)
      .header('cache-control', 'private, no-store')
      // Stored files include user uploads: never let a browser sniff or run them as a page.
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      // A signed link is a bearer link: the business's own pages on another site may show the image.
      .header('cross-origin-resource-policy', 'cross-origin');
    if (name) reply.header('content-disposition', attachmentDisposition(name));
    return reply.send(stream);
  });
}
