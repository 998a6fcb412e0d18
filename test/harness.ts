import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Config, parseConfig } from '../src/config/config.ts';
import { type AppContext, closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import type { Role } from '../src/db/schema.ts';
import { allJobs } from '../src/features/index.ts';
import { createApiKey, createApplication, createConsoleToken, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';

export interface TestRoster {
  ctx: AppContext;
  app: FastifyInstance;
  config: Config;
  schema: string;
  databaseUrl: string;
  dataDir: string;
  /** Runs the job worker in this process (imports and exports need it). */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

const quietLog = { info: () => {}, warn: () => {}, error: (message: string) => console.error(message) };

/** A Roster on a fresh schema of the test database, with its own data folder; one per test file. */
export async function startTestRoster(env: Record<string, string> = {}): Promise<TestRoster> {
  const databaseUrl = inject('databaseUrl');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-test-data-'));
  const config = parseConfig({
    ROSTER_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    ROSTER_SECRET: 'test-secret-test-secret-test-secret',
    PUBLIC_URL: 'http://roster.test',
    LOG_LEVEL: 'silent',
    ROSTER_DB_SCHEMA: schema,
    ...env,
  });
  const database = connectDatabase(databaseUrl, { schema, maxConnections: 10 });
  const ctx = await createContext(config, database, { schema, maintenance: true, log: quietLog });
  await ctx.jobs.start(allJobs);
  const app = await buildApp(ctx);
  await app.ready();
  let workerStarted = false;
  return {
    ctx,
    app,
    config,
    schema,
    databaseUrl,
    dataDir,
    async startWorker() {
      if (workerStarted) return;
      workerStarted = true;
      await ctx.jobs.work(allJobs, ctx);
    },
    async close() {
      await app.close();
      await closeContext(ctx);
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`).catch(() => {});
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestOperator {
  id: string;
  email: string;
  role: Role;
  password: string;
  token: string;
  /** Headers that authenticate as this operator on the console API. */
  auth: { authorization: string };
}

export interface TestTenant {
  orgId: string;
  appId: string;
  apiKey: string;
  /** Headers that authenticate with the application's API key. */
  keyAuth: { 'x-api-key': string };
  operators: Record<Role, TestOperator>;
}

/** An organization with one application, an API key and one operator of each role. */
export async function createTestTenant(ctx: AppContext, label = randomBytes(4).toString('hex')): Promise<TestTenant> {
  const org = await createOrganization(ctx.db, `Org ${label}`);
  const app = await createApplication(ctx.db, org.id, `App ${label}`);
  const key = await createApiKey(ctx.db, app.id, { name: 'test' });
  const operators = {} as Record<Role, TestOperator>;
  for (const role of ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'] as Role[]) {
    const email = `${role.toLowerCase()}-${label}@example.com`;
    const password = `password-${label}-${role}`;
    const operator = await createOperator(ctx.db, { orgId: org.id, email, role, name: `${role} ${label}`, password });
    const token = await createConsoleToken(ctx.db, email);
    operators[role] = { id: operator.id, email, role, password, token: token.token, auth: { authorization: `Bearer ${token.token}` } };
  }
  return { orgId: org.id, appId: app.id, apiKey: key.api_key, keyAuth: { 'x-api-key': key.api_key }, operators };
}
