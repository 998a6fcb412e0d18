import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors.ts';
import { cursorCodec, cursorParts } from './cursor.ts';

const deliveries = cursorCodec('deliveries', z.object({ createdAt: cursorParts.instant, id: cursorParts.id }));
const exportsList = cursorCodec('exports', z.object({ seq: cursorParts.serial }));
const users = cursorCodec('users', z.object({ createdAt: cursorParts.microsecondInstant, id: cursorParts.id }));

function refusal(decode: () => unknown): { status: number; code: string } | 'accepted' {
  try {
    decode();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { status: error.status, code: error.code };
  }
}

const refused = { status: 400, code: 'invalid_cursor' };
const id = '6f1c2b9e-3a51-4a0e-9c55-0f3a2d1e8b7c';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the cursor codec', () => {
  it('gives back what it encoded, as the list reads it', () => {
    expect(exportsList.decode(exportsList.encode({ seq: 42 }))).toEqual({ seq: 42 });
    expect(deliveries.decode(deliveries.encode({ createdAt: '2026-12-07T23:59:59.123Z', id }))).toEqual({ createdAt: new Date('2026-12-07T23:59:59.123Z'), id });
    expect(users.decode(users.encode({ createdAt: '2026-12-07T23:59:59.123456Z', id }))).toEqual({ createdAt: '2026-12-07T23:59:59.123456Z', id });
    expect(exportsList.encode({ seq: 42 })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuses with 400 invalid_cursor what it did not give out, whatever it holds', () => {
    const forged = [
      '',
      'garbage!',
      'bm90IGpzb24',
      'A'.repeat(20_000),
      raw([1, 2]),
      raw(['exports', { seq: 42 }, 'extra']),
      raw(['exports', { seq: -1 }]),
      raw(['exports', { seq: 1.5 }]),
      raw(['exports', { seq: '42' }]),
      raw(['exports', { seq: 2 ** 60 }]),
      raw(['exports', null]),
      raw({ list: 'exports', seq: 42 }),
    ];
    for (const text of forged) expect(refusal(() => exportsList.decode(text)), text.slice(0, 60)).toEqual(refused);
  });

  it("refuses another list's cursor", () => {
    expect(refusal(() => exportsList.decode(raw(['face imports', { seq: 42 }])))).toEqual(refused);
    expect(refusal(() => deliveries.decode(users.encode({ createdAt: '2026-12-07T23:59:59.123456Z', id })))).toEqual(refused);
  });

  it('refuses instants PostgreSQL could not read back, and ids that are not uuids', () => {
    for (const createdAt of ['-271821-04-20T00:00:00.000Z', '+010000-01-01T00:00:00.000Z', 'yesterday', '']) {
      expect(refusal(() => deliveries.decode(raw(['deliveries', { createdAt, id }]))), createdAt).toEqual(refused);
    }
    for (const createdAt of ['2026-02-30T00:00:00.000000Z', '0000-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000Z']) {
      expect(refusal(() => users.decode(raw(['users', { createdAt, id }]))), createdAt).toEqual(refused);
    }
    expect(refusal(() => users.decode(users.encode({ createdAt: '2026-01-01T00:00:00.000000Z', id: "x' OR 1=1 --" })))).toEqual(refused);
  });
});
