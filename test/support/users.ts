import { deflateSync, crc32 } from 'node:zlib';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestRoster, TestTenant } from '../harness.ts';

/** Helpers for the users feature's tests: requests with a tenant's API key, and tiny real images. */

export type Payload = InjectOptions['payload'];

export function usersApi(roster: TestRoster, tenant: TestTenant) {
  const send = (method: InjectOptions['method'], url: string, payload?: Payload, headers: Record<string, string> = {}) =>
    roster.app.inject({ method, url, payload, headers: { ...tenant.keyAuth, ...headers } });
  return {
    send,
    create: (body: Record<string, unknown>) => send('POST', '/v3/users/create/', body as Payload),
    get: (vendorData: string) => send('GET', `/v3/users/${encodeURIComponent(vendorData)}/`),
    list: (query = '') => send('GET', `/v3/users/${query ? `?${query}` : ''}`),
    patch: (vendorData: string, body: Record<string, unknown>) => send('PATCH', `/v3/users/${encodeURIComponent(vendorData)}/`, body as Payload),
    updateStatus: (vendorData: string, body: Record<string, unknown>) => send('PATCH', `/v3/users/${encodeURIComponent(vendorData)}/update-status/`, body as Payload),
    remove: (body: Record<string, unknown>) => send('POST', '/v3/users/delete/', body as Payload),
    session: (vendorData: string, body: Record<string, unknown>) => send('POST', `/v3/users/${encodeURIComponent(vendorData)}/sessions/`, body as Payload),
    facesPath: (userId: string) => `/v3/organization/${tenant.orgId}/application/${tenant.appId}/vendor-users/by-id/${userId}/faces/upload/`,
    uploadFace: (userId: string, body: Record<string, unknown>) =>
      send('POST', `/v3/organization/${tenant.orgId}/application/${tenant.appId}/vendor-users/by-id/${userId}/faces/upload/`, body as Payload),
  };
}

export async function createdUser(roster: TestRoster, tenant: TestTenant, body: Record<string, unknown>) {
  const response = await usersApi(roster, tenant).create(body);
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return response.json() as { didit_internal_id: string; vendor_data: string; [field: string]: unknown };
}

export function errorOf(response: LightMyRequestResponse): { code: string; message: string; details?: { field?: string; code: string; message: string }[] } {
  return (response.json() as { error: { code: string; message: string; details?: { field?: string; code: string; message: string }[] } }).error;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A complete, decodable RGB PNG of the given size (one grey colour). */
export function tinyPng(width = 2, height = 2): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const rows = Buffer.alloc(height * (1 + width * 3), 0x80);
  for (let row = 0; row < height; row++) rows[row * (1 + width * 3)] = 0; // filter byte of each row
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A complete, decodable baseline JPEG: an 8x8 grey block. Quantisation table of ones; one-code Huffman
 * tables (DC category 0, AC end-of-block), so the single block's entropy data is the bits "00" padded with ones.
 */
export function tinyJpeg(): Buffer {
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const bytes = [
    0xff, 0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]), // JFIF
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]), // DQT 0
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]), // SOF0: 8-bit, 8x8, one component
    ...segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0x00]), // DHT DC 0: one code, symbol 0
    ...segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0x00]), // DHT AC 0: one code, EOB
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]), // SOS
    0x3f, // "0" (DC diff 0) + "0" (EOB), padded with ones
    0xff, 0xd9,
  ];
  return Buffer.from(bytes);
}
