import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser, errorOf, tinyJpeg, tinyPng, usersApi } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let api: ReturnType<typeof usersApi>;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  api = usersApi(roster, tenant);
});
afterAll(async () => {
  await roster?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const base64 = (bytes: Buffer) => bytes.toString('base64');
/** The signed link's path and query, to fetch it through the app itself. */
const localPath = (url: string) => url.slice(roster.config.PUBLIC_URL.length);
const storedFile = (key: string) => path.join(roster.dataDir, 'files', key);

describe('POST …/vendor-users/by-id/{didit_internal_id}/faces/upload/', () => {
  it('stores a JPEG and answers 201 with a signed link that serves the same bytes', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-jpeg' });
    const jpeg = tinyJpeg();
    const response = await api.uploadFace(user.didit_internal_id, { image: base64(jpeg), comment: 'passport photo' });
    expect(response.statusCode).toBe(201);
    const face = response.json();
    expect(face).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      image_url: expect.stringMatching(/^http:\/\/roster\.test\/files\/faces\//),
      comment: 'passport photo',
      uploaded_by: expect.stringMatching(/^api key rk_/),
      created_at: expect.any(String),
    });
    const key = `faces/${tenant.appId}/${face.uuid}.jpg`;
    expect(readFileSync(storedFile(key)).equals(jpeg)).toBe(true);

    const download = await roster.app.inject({ method: 'GET', url: localPath(face.image_url) });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/jpeg');
    expect(download.rawPayload.equals(jpeg)).toBe(true);

    const [entry] = await roster.ctx.db.selectFrom('audit_logs').selectAll().where('action', '=', 'face.uploaded').where('target_id', '=', user.didit_internal_id).execute();
    expect(entry).toMatchObject({ actor_type: 'api_key', app_id: tenant.appId, ip: '127.0.0.1' });
    expect(entry.details).toMatchObject({ face_id: face.uuid, content_type: 'image/jpeg', bytes: jpeg.length, width: 8, height: 8 });
  });

  it('stores a PNG, without the trailing slash too, and wrapped base64 lines are fine', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-png' });
    const wrapped = base64(tinyPng(3, 2)).replace(/(.{20})/g, '$1\n');
    const response = await api.send('POST', api.facesPath(user.didit_internal_id).replace(/\/$/, ''), { image: wrapped });
    expect(response.statusCode).toBe(201);
    expect(response.json().comment).toBeNull();
    expect(existsSync(storedFile(`faces/${tenant.appId}/${response.json().uuid}.png`))).toBe(true);
  });

  it('refuses links that were tampered with or have expired', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-links' });
    const { image_url: url } = (await api.uploadFace(user.didit_internal_id, { image: base64(tinyPng()) })).json();
    const tampered = localPath(url).replace(/sig=([0-9a-f])/, (_match: string, digit: string) => `sig=${digit === '0' ? '1' : '0'}`);
    expect(errorOf(await roster.app.inject({ method: 'GET', url: tampered })).code).toBe('invalid_signature');
    const otherFile = localPath(url).replace(/\.png\?/, '.jpg?');
    expect((await roster.app.inject({ method: 'GET', url: otherFile })).statusCode).toBe(403);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 60 * 60 * 1000);
    const expired = await roster.app.inject({ method: 'GET', url: localPath(url) });
    expect(expired.statusCode).toBe(403);
    expect(errorOf(expired).code).toBe('link_expired');
  });

  it('accepts five faces a user and answers 409 too_many_faces to the sixth, even when they race', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-limit' });
    const responses = await Promise.all(Array.from({ length: 7 }, (_, index) => api.uploadFace(user.didit_internal_id, { image: base64(tinyPng(index + 1)) })));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 201, 409, 409]);
    expect(errorOf(responses.find((response) => response.statusCode === 409)!).code).toBe('too_many_faces');
    const faces = await roster.ctx.db.selectFrom('faces').select('storage_key').where('user_id', '=', user.didit_internal_id).execute();
    expect(faces).toHaveLength(5);
    // The refused uploads left no file behind: the folder holds exactly the application's face rows.
    const allFaces = await roster.ctx.db.selectFrom('faces').select('storage_key').where('app_id', '=', tenant.appId).execute();
    const files = readdirSync(path.join(roster.dataDir, 'files', 'faces', tenant.appId));
    expect(files.sort()).toEqual(allFaces.map((face) => path.basename(face.storage_key)).sort());
  });

  it('answers 409 duplicate_face to an image already on that user (same SHA-256), and stores it once', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-duplicate' });
    const image = base64(tinyPng(7, 3));
    expect((await api.uploadFace(user.didit_internal_id, { image })).statusCode).toBe(201);
    const again = await api.uploadFace(user.didit_internal_id, { image });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('duplicate_face');
    expect(await roster.ctx.db.selectFrom('faces').select('id').where('user_id', '=', user.didit_internal_id).execute()).toHaveLength(1);
  });

  it('answers 422 invalid_image to anything but a readable JPEG or PNG', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-invalid' });
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    const png = tinyPng();
    const badCrc = Buffer.from(png);
    badCrc[29] ^= 0xff;
    const zeroWidth = Buffer.from(tinyJpeg());
    zeroWidth.writeUInt16BE(0, zeroWidth.indexOf(Buffer.from([0xff, 0xc0])) + 7);
    const cases: [string, string][] = [
      ['a GIF', base64(gif)],
      ['garbage', base64(Buffer.from('this is not an image at all'))],
      ['a JPEG cut after its start marker', base64(tinyJpeg().subarray(0, 4))],
      ['a JPEG cut before its frame header', base64(tinyJpeg().subarray(0, 30))],
      ['a JPEG frame of width 0', base64(zeroWidth)],
      ['a PNG cut inside its header', base64(png.subarray(0, 20))],
      ['a PNG whose header CRC is wrong', base64(badCrc)],
      ['a data: URL', `data:image/png;base64,${base64(png)}`],
      ['text that is not base64', 'not base64 at all!'],
      ['base64 without padding', base64(png).replace(/=+$/, '').slice(0, -1)],
    ];
    for (const [label, image] of cases) {
      const response = await api.uploadFace(user.didit_internal_id, { image });
      expect(response.statusCode, label).toBe(422);
      expect(errorOf(response).code, label).toBe('invalid_image');
    }
    expect(errorOf(await api.uploadFace(user.didit_internal_id, {})).code).toBe('missing_image');
    expect(errorOf(await api.uploadFace(user.didit_internal_id, { image: 42 })).code).toBe('invalid_image');
    expect(errorOf(await api.uploadFace(user.didit_internal_id, { image: base64(png), comment: 'x'.repeat(501) })).code).toBe('comment_too_long');
    expect(errorOf(await api.uploadFace(user.didit_internal_id, { image: base64(png), url: 'http://x' })).code).toBe('unknown_field');
    expect(await roster.ctx.db.selectFrom('faces').select('id').where('user_id', '=', user.didit_internal_id).execute()).toHaveLength(0);
  });

  it('answers 413 image_too_large beyond 2 MB decoded, and 413 to a body beyond 3 MB', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-large' });
    const justOver = Buffer.concat([tinyJpeg(), Buffer.alloc(2 * 1024 * 1024 - tinyJpeg().length + 1)]);
    const tooLarge = await api.uploadFace(user.didit_internal_id, { image: base64(justOver) });
    expect(tooLarge.statusCode).toBe(413);
    expect(errorOf(tooLarge).code).toBe('image_too_large');
    const bodyTooLarge = await api.uploadFace(user.didit_internal_id, { image: 'A'.repeat(3 * 1024 * 1024) });
    expect(bodyTooLarge.statusCode).toBe(413);
    expect(errorOf(bodyTooLarge).code).toBe('body_too_large');
    const exactly2Mb = Buffer.concat([tinyJpeg(), Buffer.alloc(2 * 1024 * 1024 - tinyJpeg().length)]);
    expect((await api.uploadFace(user.didit_internal_id, { image: base64(exactly2Mb) })).statusCode).toBe(201);
  });

  it("answers 404 when the path's organization or application is not the key's, or the user is not in it", async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-tenant' });
    const other = await createTestTenant(roster.ctx);
    const otherUser = await createdUser(roster, other, { vendor_data: 'face-other' });
    const image = base64(tinyPng());
    const attempts = [
      // Another application's key, on this application's path and user.
      usersApi(roster, other).send('POST', api.facesPath(user.didit_internal_id), { image }),
      // This key on another application's path.
      api.send('POST', usersApi(roster, other).facesPath(otherUser.didit_internal_id), { image }),
      // This application's path with a user of another application.
      api.uploadFace(otherUser.didit_internal_id, { image }),
      api.uploadFace('not-a-uuid', { image }),
      api.uploadFace('00000000-0000-0000-0000-000000000000', { image }),
      api.send('POST', `/v3/organization/${other.orgId}/application/${tenant.appId}/vendor-users/by-id/${user.didit_internal_id}/faces/upload/`, { image }),
    ];
    for (const response of await Promise.all(attempts)) expect(response.statusCode).toBe(404);
    expect(await roster.ctx.db.selectFrom('faces').select('id').where('user_id', 'in', [user.didit_internal_id, otherUser.didit_internal_id]).execute()).toHaveLength(0);
  });

  it("removes a user's face files when the user is deleted", async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'face-deleted' });
    const face = (await api.uploadFace(user.didit_internal_id, { image: base64(tinyJpeg()) })).json();
    const file = storedFile(`faces/${tenant.appId}/${face.uuid}.jpg`);
    expect(existsSync(file)).toBe(true);
    expect((await api.remove({ vendor_data_list: ['face-deleted'] })).json()).toEqual({ deleted: 1 });
    expect(existsSync(file)).toBe(false);
    expect((await roster.app.inject({ method: 'GET', url: localPath(face.image_url) })).statusCode).toBe(404);
  });
});
