#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Db from "./db.js";
import * as plans from "./plans.js";
import Contractor, { installConfig } from "./contractor.js";
import * as migrationStore from "./migrationStore.js";
import * as attorney from "./attorney.js";
import packageJson from '../package.json' with { type: 'json' };
const schemaVersion = packageJson.pgboss.schema;
function printHelp() {
    console.log(`
pg-boss CLI v${packageJson.version}

Usage: pg-boss <command> [options]

Commands:
  migrate     Run pending migrations (creates schema if not exists)
  create      Create the pg-boss schema (initial installation)
  version     Show current schema version
  doctor      Check for schema/index drift against the expected shape
  plans       Output SQL plans without executing
  reindex     Rebuild bloated job indexes (REINDEX INDEX CONCURRENTLY)
  rollback    Rollback the last migration

Options:
  --help, -h              Show this help message
  --config, -c <file>     Path to config file (default: pgboss.json)
  --schema, -s <name>     Schema name (default: pgboss)
  --host <host>           Database host
  --port <port>           Database port
  --database, -d <name>   Database name
  --user, -u <user>       Database user
  --password, -p <pass>   Database password
  --connection-string     Full connection string (overrides other connection options)
  --ssl                   Enable SSL connection
  --backend <profile>     Database backend: postgres (default), cockroachdb, citus.
                          Non-postgres backends need this to emit schema they accept.
  --dry-run               Output SQL without executing (for plans and reindex commands)
  --force                 Rebuild every job index, not just the bloated ones (reindex)
  --fix                   Restore a job_now() left overridden by a killed TestClock run
                          (doctor). Only run this when no instance holds a live TestClock.

Environment Variables:
  PGBOSS_DATABASE_URL     Full connection string
  PGBOSS_HOST             Database host
  PGBOSS_PORT             Database port
  PGBOSS_DATABASE         Database name
  PGBOSS_USER             Database user
  PGBOSS_PASSWORD         Database password
  PGBOSS_SCHEMA           Schema name (default: pgboss)
  PGBOSS_BACKEND          Database backend profile (default: postgres)

Config File (pgboss.json):
  {
    "host": "localhost",
    "port": 5432,
    "database": "mydb",
    "user": "postgres",
    "password": "secret",
    "schema": "pgboss",
    "ssl": false,
    "backend": "postgres"
  }

Examples:
  pg-boss migrate
  pg-boss migrate --schema my_schema
  pg-boss create --connection-string postgres://user:pass@localhost/db
  pg-boss plans migrate --dry-run
  pg-boss plans uninstall --schema my_schema
  pg-boss migrate --backend cockroachdb --connection-string postgres://root@localhost:26257/db
  pg-boss version
  PGBOSS_DATABASE_URL=postgres://localhost/mydb pg-boss migrate
`);
}
function loadConfigFile(configPath) {
    const paths = configPath
        ? [resolve(configPath)]
        : [
            resolve('pgboss.json'),
            resolve('.pgbossrc'),
            resolve('.pgbossrc.json')
        ];
    for (const filePath of paths) {
        if (existsSync(filePath)) {
            try {
                const content = readFileSync(filePath, 'utf-8');
                const config = JSON.parse(content);
                console.log(`Loaded config from ${filePath}`);
                return config;
            }
            catch (err) {
                console.error(`Error reading config file ${filePath}: ${err.message}`);
                process.exit(1);
            }
        }
    }
    return {};
}
// Resolves the connection AND the backend compatibility flags, because every command that writes
// schema needs both. Without the flags a CockroachDB target is handed stock-PostgreSQL DDL - table
// partitioning, advisory locks, covering indexes, a backfill of a column added in the same
// transaction - and the command fails partway through a migration rather than up front. The flags
// are derived from --backend / PGBOSS_BACKEND / the config file by the same attorney.getConfig() the
// library constructor uses, so the CLI and a running boss cannot disagree about what a backend
// supports.
function getConnectionConfig(args) {
    const fileConfig = loadConfigFile(args.config);
    const config = {
        connectionString: args.connectionString || process.env.PGBOSS_DATABASE_URL || fileConfig.connectionString,
        host: args.host || process.env.PGBOSS_HOST || fileConfig.host,
        port: args.port ? parseInt(args.port, 10) : (process.env.PGBOSS_PORT ? parseInt(process.env.PGBOSS_PORT, 10) : fileConfig.port),
        database: args.database || process.env.PGBOSS_DATABASE || fileConfig.database,
        user: args.user || process.env.PGBOSS_USER || fileConfig.user,
        password: args.password || process.env.PGBOSS_PASSWORD || fileConfig.password,
        schema: args.schema || process.env.PGBOSS_SCHEMA || fileConfig.schema || plans.DEFAULT_SCHEMA
    };
    if (args.ssl || fileConfig.ssl) {
        config.ssl = args.ssl ? { rejectUnauthorized: false } : fileConfig.ssl;
    }
    if (!config.connectionString && !config.host && !config.database) {
        console.error('Error: No database connection configured.');
        console.error('Provide connection via --connection-string, environment variables, or config file.');
        console.error('Run "pg-boss --help" for more information.');
        process.exit(1);
    }
    return resolveBackendConfig(config, args, fileConfig);
}
// Runs a config through the library's own resolver so the compatibility flags come from one place.
// Split out of getConnectionConfig because `plans` has to answer offline, where there is a backend
// to honour but no connection to read.
function resolveBackendConfig(config, args, fileConfig) {
    const backend = args.backend || process.env.PGBOSS_BACKEND || fileConfig.backend;
    if (backend) {
        // pglite is in-process and has no connection string, so it can only be driven from library code.
        if (backend === 'pglite') {
            console.error('Error: the pglite backend is in-process and cannot be used from the CLI.');
            process.exit(1);
        }
        config.backend = backend;
    }
    try {
        return attorney.getConfig(config);
    }
    catch (err) {
        console.error(`Error: ${err.message}`);
        process.exit(1);
    }
}
function parseCliArgs() {
    const { values, positionals } = parseArgs({
        options: {
            help: { type: 'boolean', short: 'h' },
            config: { type: 'string', short: 'c' },
            schema: { type: 'string', short: 's' },
            host: { type: 'string' },
            port: { type: 'string' },
            database: { type: 'string', short: 'd' },
            user: { type: 'string', short: 'u' },
            password: { type: 'string', short: 'p' },
            'connection-string': { type: 'string' },
            ssl: { type: 'boolean' },
            backend: { type: 'string' },
            'dry-run': { type: 'boolean' },
            force: { type: 'boolean' },
            fix: { type: 'boolean' }
        },
        allowPositionals: true
    });
    return {
        help: values.help,
        config: values.config,
        schema: values.schema,
        host: values.host,
        port: values.port,
        database: values.database,
        user: values.user,
        password: values.password,
        connectionString: values['connection-string'],
        ssl: values.ssl,
        backend: values.backend,
        dryRun: values['dry-run'],
        force: values.force,
        fix: values.fix,
        command: positionals[0],
        subCommand: positionals[1]
    };
}
async function createDb(config) {
    const db = new Db(config);
    await db.open();
    return db;
}
// Like getConnectionConfig, but returns null instead of exiting when no connection is
// configured, used by commands (e.g. `plans`) where a connection is optional.
function tryGetConnectionConfig(args) {
    const fileConfig = loadConfigFile(args.config);
    const hasConnection = args.connectionString || process.env.PGBOSS_DATABASE_URL || fileConfig.connectionString ||
        args.host || process.env.PGBOSS_HOST || fileConfig.host ||
        args.database || process.env.PGBOSS_DATABASE || fileConfig.database;
    return hasConnection ? getConnectionConfig(args) : null;
}
// Enumerates partitioned queue metadata so inlined index builds can fan out across
// them. Returns [] on any failure (e.g. unreachable DB or pre-partition schema), leaving
// the export to target job_common only.
async function getPartitionTables(db, schema) {
    try {
        const result = await db.executeSql(plans.getPartitionedQueueTables(schema));
        return result.rows.map((row) => ({ tableName: row.table_name, policy: row.policy }));
    }
    catch {
        return [];
    }
}
async function getSchemaVersion(db, schema) {
    try {
        const result = await db.executeSql(plans.versionTableExists(schema));
        if (!result.rows[0].name) {
            return null;
        }
        const versionResult = await db.executeSql(plans.getVersion(schema));
        return versionResult.rows.length ? parseInt(versionResult.rows[0].version) : null;
    }
    catch {
        return null;
    }
}
async function cmdVersion(args) {
    const config = getConnectionConfig(args);
    const schema = config.schema || plans.DEFAULT_SCHEMA;
    const db = await createDb(config);
    try {
        const version = await getSchemaVersion(db, schema);
        if (version === null) {
            console.log(`pg-boss is not installed in schema "${schema}"`);
        }
        else {
            console.log(`Current schema version: ${version}`);
            console.log(`Latest schema version: ${schemaVersion}`);
            if (version < schemaVersion) {
                console.log(`Migrations pending: ${schemaVersion - version}`);
            }
            else {
                console.log('Schema is up to date');
            }
        }
    }
    finally {
        await db.close();
    }
}
async function cmdCreate(args) {
    const config = getConnectionConfig(args);
    const schema = config.schema || plans.DEFAULT_SCHEMA;
    if (args.dryRun) {
        const sql = plans.create(schema, schemaVersion, { ...config, createSchema: true });
        console.log('-- SQL to create pg-boss schema:');
        console.log(sql);
        return;
    }
    const db = await createDb(config);
    try {
        const version = await getSchemaVersion(db, schema);
        if (version !== null) {
            console.log(`pg-boss is already installed in schema "${schema}" at version ${version}`);
            return;
        }
        console.log(`Creating pg-boss schema "${schema}"...`);
        const sql = plans.create(schema, schemaVersion, { ...await installConfig(db, config), createSchema: true });
        await db.executeSql(sql);
        console.log(`Successfully created pg-boss schema "${schema}" at version ${schemaVersion}`);
    }
    finally {
        await db.close();
    }
}
async function cmdMigrate(args) {
    const config = getConnectionConfig(args);
    const schema = config.schema || plans.DEFAULT_SCHEMA;
    if (args.dryRun) {
        // The CLI has no BAM worker, so inline the async index builds as direct DDL. Connect
        // (best effort) to read the DB's actual version and enumerate partitioned tables; fall back to
        // job_common only offline.
        let partitionTables = [];
        let version = null;
        try {
            const db = await createDb(config);
            try {
                partitionTables = await getPartitionTables(db, schema);
                version = await getSchemaVersion(db, schema);
            }
            finally {
                await db.close();
            }
        }
        catch {
            // no reachable database: emit a job_common-only static script
        }
        if (version !== null && version >= schemaVersion) {
            console.log(`-- pg-boss schema "${schema}" is already at version ${version} (latest: ${schemaVersion}); nothing to migrate.`);
            return;
        }
        // Render from the DB's actual version so the printed SQL is exactly what `migrate` would run.
        // Offline (or not yet installed) we can't know it, so fall back to the oldest supported starting
        // version (the full chain) instead of a bogus "from 0" that fails on non-idempotent steps.
        const fromVersion = version ?? migrationStore.getMinVersion(schema);
        const sql = migrationStore.migrate(schema, fromVersion, migrationStore.getAllForConfig(config), config.noAdvisoryLocks, { inlineAsync: true, partitionTables });
        console.log(`-- SQL to migrate pg-boss from version ${fromVersion} to ${schemaVersion}:`);
        console.log(sql);
        return;
    }
    const db = await createDb(config);
    try {
        const version = await getSchemaVersion(db, schema);
        if (version === null) {
            console.log(`pg-boss is not installed. Creating schema "${schema}"...`);
            const sql = plans.create(schema, schemaVersion, { ...await installConfig(db, config), createSchema: true });
            await db.executeSql(sql);
            console.log(`Successfully created pg-boss schema "${schema}" at version ${schemaVersion}`);
            return;
        }
        if (version >= schemaVersion) {
            console.log(`pg-boss schema "${schema}" is already at version ${version} (latest: ${schemaVersion})`);
            return;
        }
        console.log(`Migrating pg-boss schema "${schema}" from version ${version} to ${schemaVersion}...`);
        // Inline the async index builds rather than enqueuing BAM rows that nothing will run
        // (the CLI exits without a worker); enumerate partitions so they are covered too.
        const partitionTables = await getPartitionTables(db, schema);
        const { sql, concurrent } = migrationStore.migrateCommands(schema, version, migrationStore.getAllForConfig(config), config.noAdvisoryLocks, { inlineAsync: true, partitionTables });
        await db.executeSql(sql);
        // CONCURRENTLY index builds must run outside the migration transaction, one at a time. The
        // version is already committed by then and nothing enqueues them for BAM, so a failed build
        // would never be retried: hand the rest to the operator instead.
        for (const [i, statement] of concurrent.entries()) {
            try {
                await db.executeSql(statement);
            }
            catch (err) {
                console.error(`pg-boss schema "${schema}" is at version ${schemaVersion}, but an index build failed: ${err.message}`);
                console.error('Drop any invalid index the failed build left, then run these statements one at a time:\n');
                console.error(concurrent.slice(i).map(rest => `${rest};`).join('\n\n'));
                process.exitCode = 1;
                return;
            }
        }
        console.log(`Successfully migrated pg-boss schema "${schema}" to version ${schemaVersion}`);
    }
    finally {
        await db.close();
    }
}
async function cmdRollback(args) {
    const config = getConnectionConfig(args);
    const schema = config.schema || plans.DEFAULT_SCHEMA;
    const db = await createDb(config);
    try {
        const version = await getSchemaVersion(db, schema);
        if (version === null) {
            console.log(`pg-boss is not installed in schema "${schema}"`);
            return;
        }
        if (version <= 1) {
            console.log('Cannot rollback: already at minimum version');
            return;
        }
        if (args.dryRun) {
            const sql = migrationStore.rollback(schema, version, migrationStore.getAllForConfig(config), config.noAdvisoryLocks);
            console.log(`-- SQL to rollback pg-boss from version ${version} to ${version - 1}:`);
            console.log(sql);
            return;
        }
        console.log(`Rolling back pg-boss schema "${schema}" from version ${version} to ${version - 1}...`);
        const sql = migrationStore.rollback(schema, version, migrationStore.getAllForConfig(config), config.noAdvisoryLocks);
        await db.executeSql(sql);
        console.log(`Successfully rolled back pg-boss schema "${schema}" to version ${version - 1}`);
    }
    finally {
        await db.close();
    }
}
async function cmdDoctor(args) {
    const config = getConnectionConfig(args);
    const schema = config.schema || plans.DEFAULT_SCHEMA;
    const db = await createDb(config);
    try {
        const version = await getSchemaVersion(db, schema);
        if (version === null) {
            console.log(`pg-boss is not installed in schema "${schema}"`);
            process.exitCode = 1;
            return;
        }
        console.log(`Schema "${schema}" version ${version} (latest: ${schemaVersion})`);
        if (version < schemaVersion) {
            console.log(`⚠ Migrations pending: ${schemaVersion - version}. Run "pg-boss migrate" before trusting drift results`);
        }
        // Reuse the same drift scan the boss.detectSchemaDrift() API runs, rather than duplicating the
        // catalog queries + computeSchemaDrift wiring here (the two copies had already drifted apart and
        // carried divergent best-effort/backend-gating bugs). Contractor.detectDrift handles the
        // partitioned probe, best-effort catalog fallbacks, and backend-specific gating in one place.
        const contractor = new Contractor(db, { ...config, schema });
        let report = await contractor.detectDrift();
        // --fix repairs exactly one cause of drift, and only when asked. A TestClock restores job_now()
        // when its handle is disposed, so a run killed first leaves the override installed; but a
        // leftover override is indistinguishable from one a peer instance is holding right now, which is
        // why this cannot be done automatically at startup. An operator knows which it is. Everything
        // else doctor finds is reported and never repaired.
        if (args.fix) {
            // The drift report is the first source, but not the only one: mismatchedFunctions comes from
            // pg_get_functiondef, and the whole function check is skipped when that query is unsupported
            // (CockroachDB). detectClockOverride() reads prosrc instead, so a leftover override is still
            // found - and repaired - on a backend whose functions never reach the report at all.
            const override = report.mismatchedFunctions.some(f => f.name === 'job_now' && plans.clockFunctionIsOverridden(f.actualDefinition)) ||
                await contractor.detectClockOverride();
            if (override) {
                console.log('\njob_now() carries a TestClock override, left behind by a test run that was');
                console.log('killed before releasing its clock. Restoring it, so make sure no instance is');
                console.log('holding a live TestClock against this schema.');
                await contractor.restoreClockFunction();
                console.log('  restored.');
                // Report on the repaired schema, so the summary and the exit code describe what is there now.
                report = await contractor.detectDrift();
            }
            else {
                console.log('\nNothing for --fix to repair: job_now() carries no TestClock override.');
            }
        }
        if (report.building.length) {
            console.log(`\nBuilding (async index build in progress, not yet drift) (${report.building.length}):`);
            for (const i of report.building)
                console.log(`  ${i.table}.${i.name}`);
        }
        // Index bloat is a runtime condition, not schema drift: the index matches its expected
        // definition, it is just carrying pages it no longer needs. Printed regardless of overall
        // status and never changes the exit code, same as extra indexes below.
        try {
            const { rows: bloated } = await db.executeSql(plans.getBloatedIndexes(schema));
            if (bloated.length) {
                console.log(`\n⚠ INDEX BLOAT (rebuild with "pg-boss reindex") (${bloated.length}):`);
                for (const i of bloated) {
                    const mb = Math.round(Number(i.bytes) / 1024 / 1024);
                    console.log(`  ${i.table}.${i.name}: ${mb} MB across ${i.pages} pages, ~${i.entries} live entries`);
                    if (!i.owned)
                        console.log('    note: the connected role does not own this index and cannot reindex it');
                }
            }
        }
        catch {
            // Best effort. A role without catalog visibility should not fail the whole drift report.
        }
        // Extra indexes are informational (a stale pg-boss index or a user-added one). A warning, not
        // drift. Printed regardless of overall status; it never changes the exit code.
        if (report.extraIndexes.length) {
            console.log(`\n⚠ EXTRA INDEXES (present on a managed table but not expected, harmless) (${report.extraIndexes.length}):`);
            for (const i of report.extraIndexes)
                console.log(`  ${i.table}.${i.name}`);
        }
        if (report.ok) {
            console.log('\n✓ No drift detected');
            return;
        }
        if (report.missingTables.length) {
            console.log(`\nMISSING TABLES (expected but absent) (${report.missingTables.length}):`);
            for (const t of report.missingTables)
                console.log(`  ${t}`);
        }
        // Each drifted index is printed with the expected (correct) definition and, where one exists, the
        // actual definition beneath it, for a direct side-by-side comparison and copy-paste remediation.
        if (report.missing.length) {
            console.log(`\nMISSING (expected but absent) (${report.missing.length}):`);
            for (const i of report.missing) {
                console.log(`  ${i.table}.${i.name}`);
                if (i.definition)
                    console.log(`    expected: ${i.definition}`);
            }
        }
        if (report.invalid.length) {
            // The definition is correct, since an invalid index is an interrupted build rather than a
            // wrong shape. So show the DDL to drop and rebuild it, not an expected-vs-actual comparison,
            // which would be identical.
            console.log(`\nINVALID (present but marked invalid, drop and rebuild) (${report.invalid.length}):`);
            for (const i of report.invalid) {
                console.log(`  ${i.table}.${i.name}`);
                if (i.definition)
                    console.log(`    rebuild: ${i.definition}`);
            }
        }
        if (report.mismatched.length) {
            console.log(`\nMISMATCHED (definition differs) (${report.mismatched.length}):`);
            for (const m of report.mismatched) {
                console.log(`  ${m.table}.${m.name} [${m.differs.join(', ')}]`);
                if (m.definition)
                    console.log(`    expected: ${m.definition}`);
                console.log(`    actual:   ${m.actualDefinition}`);
            }
        }
        if (report.missingFunctions.length) {
            console.log(`\nMISSING FUNCTIONS (expected but absent) (${report.missingFunctions.length}):`);
            for (const f of report.missingFunctions) {
                console.log(`  ${f.name}`);
                console.log(`    expected: ${f.definition}`);
            }
        }
        let clockOverrideNamed = false;
        const printClockOverrideHint = (marker) => {
            console.log(`\n${marker}job_now() carries a TestClock override, left behind by a test run that was`);
            console.log('  killed before releasing its clock. Time is still correct, but the function no');
            console.log('  longer inlines, so every statement that reads the clock is slower. Restore it');
            console.log('  with "pg-boss doctor --fix", or by hand:');
            console.log(plans.restoreClockFunction(schema).split('\n').filter(l => l.trim()).map(l => `    ${l.trim()}`).join('\n'));
        };
        if (report.mismatchedFunctions.length) {
            console.log(`\nMISMATCHED FUNCTIONS (body differs) (${report.mismatchedFunctions.length}):`);
            for (const f of report.mismatchedFunctions) {
                console.log(`  ${f.name}`);
                console.log(`    expected: ${f.definition}`);
                console.log(`    actual:   ${f.actualDefinition}`);
            }
            // One cause of a job_now() mismatch is common and self-inflicted: a TestClock only restores
            // the function when its handle is disposed, so a killed run leaves the override installed.
            // The body still returns real time for a session that never opted in, which is why nothing
            // surfaces it at runtime - but it no longer inlines, so every statement that reads the clock
            // pays a per-row call. Name it rather than leave an operator to read two bodies and guess.
            const clockOverride = report.mismatchedFunctions.find(f => f.name === 'job_now' && plans.clockFunctionIsOverridden(f.actualDefinition));
            if (clockOverride) {
                clockOverrideNamed = true;
                printClockOverrideHint('  ');
            }
        }
        // Same hint for a backend that never produced function rows to mismatch: the check above is
        // gated on pg_get_functiondef, which CockroachDB does not support, so the override is invisible
        // to drift there. This probe reads prosrc and finds it anyway. It is not drift the report can
        // show a body for, so it names the condition and stops short of printing an "actual:".
        if (!clockOverrideNamed && await contractor.detectClockOverride()) {
            printClockOverrideHint('⚠ ');
        }
        if (report.columnDrift.length) {
            console.log(`\nCOLUMN DRIFT (missing/unexpected columns, or default/type/nullability drift) (${report.columnDrift.length}):`);
            for (const c of report.columnDrift) {
                console.log(`  ${c.table}`);
                if (c.missingColumns.length)
                    console.log(`    missing:    ${c.missingColumns.join(', ')}`);
                if (c.unexpectedColumns.length)
                    console.log(`    unexpected: ${c.unexpectedColumns.join(', ')}`);
                for (const d of c.defaultMismatches)
                    console.log(`    default ${d.column}: expected ${d.expected}, actual ${d.actual}`);
                for (const d of c.typeMismatches)
                    console.log(`    type ${d.column}: expected ${d.expected}, actual ${d.actual}`);
                for (const d of c.nullabilityMismatches)
                    console.log(`    nullability ${d.column}: expected ${d.expected ? 'NOT NULL' : 'nullable'}, actual ${d.actual ? 'NOT NULL' : 'nullable'}`);
            }
        }
        if (report.constraintDrift.length) {
            console.log(`\nCONSTRAINT DRIFT (missing or unexpected constraints) (${report.constraintDrift.length}):`);
            for (const c of report.constraintDrift) {
                console.log(`  ${c.table}`);
                if (c.missingConstraints.length)
                    for (const d of c.missingConstraints)
                        console.log(`    missing:    ${d}`);
                if (c.unexpectedConstraints.length)
                    for (const d of c.unexpectedConstraints)
                        console.log(`    unexpected: ${d}`);
            }
        }
        if (report.enumDrift) {
            const e = report.enumDrift;
            console.log('\nENUM DRIFT (value set/order differs):');
            console.log(`  ${e.name}`);
            console.log(`    expected: ${e.expectedValues.join(', ')}`);
            console.log(`    actual:   ${e.actualValues.join(', ')}`);
        }
        console.log('\n✗ Schema drift detected');
        process.exitCode = 1;
    }
    finally {
        await db.close();
    }
}
// Bloated indexes are found and rebuilt directly here rather than through a PgBoss instance: the
// command must work against an installation this process does not otherwise manage, and starting an
// instance would also start workers, maintenance and migrations.
async function cmdReindex(args) {
    const config = getConnectionConfig(args);
    const schema = config.schema || plans.DEFAULT_SCHEMA;
    const db = await createDb(config);
    try {
        const version = await getSchemaVersion(db, schema);
        if (version === null) {
            console.log(`pg-boss is not installed in schema "${schema}"`);
            process.exitCode = 1;
            return;
        }
        // A declared backend answers this without a round trip: REINDEX is rejected outright on
        // CockroachDB and unimplemented on YugabyteDB, and neither can measure bloat in the first place.
        if (config.noReindex) {
            console.error(`Reindexing is not supported on the ${config.backend} backend.`);
            console.error('Index maintenance there is handled by the storage engine, and the bloat check cannot run: pg_class.relpages and pg_relation_size() are unavailable or always zero.');
            process.exitCode = 1;
            return;
        }
        const sql = args.force ? plans.getJobIndexes(schema) : plans.getBloatedIndexes(schema);
        let rows;
        try {
            ({ rows } = await db.executeSql(sql));
        }
        catch (err) {
            // The check reads pg_class.relpages and pg_relation_size(). CockroachDB has neither (it
            // rejects `reltuples / relpages` as an unsupported binary operator) and YugabyteDB reports
            // zeroes for every relation. --backend catches those up front (above); this stays for a target
            // that was not declared, say what happened instead of surfacing a raw catalog error.
            console.error(`Could not read index statistics from schema "${schema}": ${err.message}`);
            console.error('The bloat check reads pg_class.relpages and pg_relation_size(), which CockroachDB and YugabyteDB do not provide.');
            process.exitCode = 1;
            return;
        }
        if (!rows.length) {
            console.log(args.force
                ? `No job indexes found in schema "${schema}"`
                : `No bloated indexes found in schema "${schema}"`);
            return;
        }
        // anyOwner for the printed list, which may be run as a different role; the execution path below
        // filters ownership itself.
        const { rows: leftovers } = await db.executeSql(plans.getReindexLeftovers(schema, undefined, false, args.dryRun));
        if (args.dryRun) {
            // Every index, ownership included: the printed SQL is for an operator, who may well run it as
            // the role that does own them.
            const commands = plans.buildReindexCommands(schema, rows, leftovers);
            console.log(`-- SQL to rebuild ${rows.length} index(es) in schema "${schema}":`);
            for (const command of commands)
                console.log(`${command};`);
            for (const index of rows.filter(i => !i.owned)) {
                console.log(`-- note: "${index.name}" is not owned by ${config.user || 'the connected role'} and needs a role that can REINDEX it`);
            }
            return;
        }
        for (const index of rows) {
            const mb = Math.round(Number(index.bytes) / 1024 / 1024);
            console.log(`  ${index.table}.${index.name}: ${mb} MB across ${index.pages} pages, ~${index.entries} live entries`);
        }
        // Executing is different from printing: REINDEX needs ownership, so an index this role cannot
        // touch is reported up front rather than attempted for the sake of the server's error message.
        const skipped = rows.filter(index => !index.owned);
        const targets = rows.filter(index => index.owned);
        for (const index of skipped) {
            console.error(`  ✗ ${index.name}\n    the connected role does not own this index and cannot reindex it`);
        }
        if (!targets.length) {
            process.exitCode = 1;
            return;
        }
        const commands = plans.buildReindexCommands(schema, targets, leftovers);
        console.log(`\nRebuilding ${targets.length} index(es)...`);
        let failures = skipped.length;
        for (const command of commands) {
            try {
                await db.executeSql(command);
                console.log(`  ✓ ${command}`);
            }
            catch (err) {
                failures++;
                console.error(`  ✗ ${command}\n    ${err.message}`);
            }
        }
        if (failures) {
            process.exitCode = 1;
        }
        else {
            console.log('\n✓ Done');
        }
    }
    finally {
        await db.close();
    }
}
async function cmdPlans(args) {
    const fileConfig = loadConfigFile(args.config);
    const schema = args.schema || process.env.PGBOSS_SCHEMA || fileConfig.schema || plans.DEFAULT_SCHEMA;
    const subCommand = args.subCommand || 'migrate';
    // A connection is optional here, but the backend is not: printed SQL is meant to be run, so it has
    // to be the SQL that backend accepts.
    const config = resolveBackendConfig({ schema }, args, fileConfig);
    switch (subCommand) {
        case 'create':
        case 'construct':
            console.log('-- SQL to create pg-boss schema:');
            console.log(plans.create(schema, schemaVersion, { ...config, createSchema: true }));
            break;
        case 'migrate': {
            // Inline the async index builds (no BAM worker runs an exported script). A connection
            // is optional: with one, fan the builds out across partitioned tables; without one,
            // emit a job_common-only script and note the limitation.
            const connectionConfig = tryGetConnectionConfig(args);
            let partitionTables = [];
            if (connectionConfig) {
                try {
                    const db = await createDb(connectionConfig);
                    try {
                        partitionTables = await getPartitionTables(db, schema);
                    }
                    finally {
                        await db.close();
                    }
                }
                catch {
                    // unreachable database: fall back to a job_common-only script
                }
            }
            console.log('-- SQL to migrate pg-boss (from version 0 to latest):');
            if (!connectionConfig) {
                console.log('-- note: no database connection provided; partitioned queue tables were not enumerated.');
                console.log('-- Run with a connection (e.g. --connection-string) to include per-partition index builds.');
            }
            console.log(migrationStore.migrate(schema, 0, migrationStore.getAllForConfig(config), config.noAdvisoryLocks, { inlineAsync: true, partitionTables }));
            break;
        }
        case 'rollback':
            console.log(`-- SQL to rollback pg-boss from version ${schemaVersion} to ${schemaVersion - 1}:`);
            console.log(migrationStore.rollback(schema, schemaVersion, migrationStore.getAllForConfig(config), config.noAdvisoryLocks));
            break;
        case 'uninstall':
            console.log('-- SQL to remove every pg-boss object from a schema it shares with other objects.');
            console.log(`-- If pg-boss has the schema to itself, DROP SCHEMA ${schema} CASCADE does the same.`);
            console.log(plans.uninstall(schema, !config.noTablePartitioning));
            break;
        default:
            console.error(`Unknown plans subcommand: ${subCommand}`);
            console.error('Available: create, migrate, rollback, uninstall');
            process.exit(1);
    }
}
async function main() {
    const args = parseCliArgs();
    if (args.help || !args.command) {
        printHelp();
        process.exit(0);
    }
    try {
        switch (args.command) {
            case 'version':
                await cmdVersion(args);
                break;
            case 'doctor':
                await cmdDoctor(args);
                break;
            case 'create':
                await cmdCreate(args);
                break;
            case 'migrate':
                await cmdMigrate(args);
                break;
            case 'rollback':
                await cmdRollback(args);
                break;
            case 'plans':
                await cmdPlans(args);
                break;
            case 'reindex':
                await cmdReindex(args);
                break;
            default:
                console.error(`Unknown command: ${args.command}`);
                console.error('Run "pg-boss --help" for available commands.');
                process.exit(1);
        }
    }
    catch (err) {
        console.error(`Error: ${err.message}`);
        if (process.env.DEBUG) {
            console.error(err.stack);
        }
        process.exit(1);
    }
}
main();
