import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseByteSize, parseDuration } from '../src/config/config.ts';

const base = { ROSTER_DATA_DIR: '/tmp/roster-config-test', ROSTER_SECRET: 'x'.repeat(32) };

describe('configuration', () => {
  it('applies the contract defaults', () => {
    const config = parseConfig(base);
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(config.EXPORT_LINK_TTL).toBe(86_400);
    expect(config.IMPORT_MAX_BYTES).toBe(256 * 1024 * 1024);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads sizes and durations in the forms people write them', () => {
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('soon')).toBeNull();
    expect(parseByteSize('1GB')).toBe(1024 ** 3);
    expect(parseByteSize('10kb')).toBe(10_240);
  });

  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['STORAGE_URL', 'ftp://bucket'],
    ['SMTP_URL', 'http://mail'],
    ['EXPORT_LINK_TTL', 'tomorrow'],
    ['IMPORT_MAX_BYTES', 'huge'],
    ['PUBLIC_URL', 'not a url'],
  ])('rejects a bad %s with one line naming it', (name, value) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(ConfigError);
    try {
      parseConfig({ ...base, [name]: value });
    } catch (error) {
      expect((error as Error).message.startsWith(`${name}: `)).toBe(true);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('stops the process with one line when started with a bad value', () => {
    const result = spawnSync(process.execPath, ['bin/roster.js', 'start'], { env: { ...process.env, ...base, PORT: 'eighty' }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('roster: PORT: must be a port number (got "eighty")');
  });
});

describe('configuration of storage and mail URLs', () => {
  it('rejects a malformed S3 or SMTP URL with one line naming the variable', () => {
    expect(() => parseConfig({ ...base, STORAGE_URL: 's3://?endpoint=nope' })).toThrow(/^STORAGE_URL: /);
    expect(() => parseConfig({ ...base, SMTP_URL: 'smtp://host:99999' })).toThrow(/^SMTP_URL: /);
    expect(parseConfig({ ...base, STORAGE_URL: 's3://bucket?endpoint=http://127.0.0.1:9000&region=eu-west-1&forcePathStyle=true' }).STORAGE_URL).toContain('bucket');
  });
});
