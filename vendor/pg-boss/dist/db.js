import EventEmitter from 'node:events';
import pg from 'pg';
import assert from 'node:assert';
import { delay } from "./tools.js";
import { systemClock } from "./clock.js";
// Keep silent network failures below the default 30-second notify polling backstop: in the
// worst case a failure happens immediately after a successful check, then takes one interval,
// one query timeout, and the existing first reconnect backoff (1s) to restore LISTEN.
const DEFAULT_LISTEN_HEARTBEAT_INTERVAL_MS = 10000;
const DEFAULT_LISTEN_HEARTBEAT_TIMEOUT_MS = 5000;
const DEFAULT_LISTEN_KEEP_ALIVE_INITIAL_DELAY_MS = 10000;
// How long rollback() waits for its ROLLBACK before giving up on the connection instead. A ROLLBACK
// on a responsive connection returns in well under a millisecond, so this bounds the case where it
// cannot get through at all, not the case where it is slow.
export const TRANSACTION_ROLLBACK_TIMEOUT_MS = 5000;
class Db extends EventEmitter {
    pool;
    config;
    clock;
    // Statements every pooled connection must run before it is handed out. Set by PgBoss during
    // start(), before open(), so no connection this pool creates can miss them.
    sessionStatements = [];
    /** @internal */
    _pgbdb;
    opened;
    constructor(config) {
        super();
        this.clock = config.clock ?? systemClock;
        config.application_name = config.application_name || 'pgboss';
        config.connectionTimeoutMillis ??= 10000;
        // config.maxUses = config.maxUses || 1000
        this.config = config;
        this._pgbdb = true;
        this.opened = false;
    }
    events = {
        error: 'error'
    };
    async open() {
        this.pool = new pg.Pool(this.config);
        this.pool.on('error', error => this.emit('error', error));
        // Queued on the client before any checkout query, so a connection cannot run a pg-boss
        // statement before its session setup. Reads the field on each connect rather than closing over
        // it, so a set that arrives between connections still applies to the ones that follow.
        this.pool.on('connect', client => {
            for (const statement of this.sessionStatements) {
                client.query(statement).catch(error => this.emit('error', error));
            }
        });
        this.opened = true;
    }
    async close() {
        if (!this.pool.ending) {
            this.opened = false;
            await this.pool.end();
        }
    }
    // The pool's size and use, for the instance registry's heartbeat. Null before open() and after close().
    poolCounts() {
        if (!this.opened)
            return null;
        return {
            max: this.pool.options.max ?? 10,
            total: this.pool.totalCount,
            idle: this.pool.idleCount,
            waiting: this.pool.waitingCount
        };
    }
    async setSessionStatements(statements) {
        // Clearing is always safe: the statements it would have run are the ones already applied, and
        // undoing them is the caller's job.
        if (!this.opened || statements.length === 0) {
            this.sessionStatements = statements;
            return;
        }
        // An open pool holds connections that will never re-run the connect hook, so a non-empty set
        // arriving now would reach some sessions and not others - exactly the split this capability
        // exists to prevent. It can still be made total while nothing is checked out (a restart after
        // stop({ close: false }) is the case that matters): every existing connection is idle, so it
        // can be taken and set up here, and every later one gets the hook. With a connection in use
        // there is no way to reach it, so refuse instead of applying a partial set.
        assert(this.pool.idleCount === this.pool.totalCount && this.pool.waitingCount === 0, 'configuration assert: setSessionStatements cannot reach connections that are already checked out - call it before open(), or while the pool is idle');
        // Set first, so a connection the checkout below has to create runs the statements through the
        // connect hook rather than being missed by a sweep that already counted it.
        this.sessionStatements = statements;
        const clients = await Promise.all(Array.from({ length: this.pool.totalCount }, async () => await this.pool.connect()));
        try {
            await Promise.all(clients.map(async (client) => {
                for (const statement of statements) {
                    await client.query(statement);
                }
            }));
        }
        finally {
            for (const client of clients)
                client.release();
        }
    }
    // signal and retire are internal to BAM. Aborting signal drops this statement's connection, so
    // stop() can close the pool without waiting for a statement the server goes on to finish or cancel
    // by itself. If retire is aborted by the time the statement ends, its connection is closed instead
    // of returned to the pool, so a pg_cancel_backend aimed at the statement cannot reach whatever runs
    // on that connection next. Either one aborted before the statement starts keeps it from starting.
    // A connection whose statement failed is closed too, as pool.query does, so a failure inside an
    // explicit transaction cannot hand the next query an aborted transaction.
    async executeSql(text, values, { signal, retire } = {}) {
        assert(this.opened, 'Database not opened. Call start() before using pg-boss, or again after stop().');
        if (signal || retire) {
            signal?.throwIfAborted();
            retire?.throwIfAborted();
            const client = await this.pool.connect();
            if (signal?.aborted || retire?.aborted) {
                client.release();
                signal?.throwIfAborted();
                retire?.throwIfAborted();
            }
            let dropped = false;
            const drop = () => {
                dropped = true;
                client.release(new Error('connection dropped by stop()'));
            };
            signal?.addEventListener('abort', drop, { once: true });
            let failed = false;
            // The pool takes its own error listener off a client it hands out, and a socket that dies
            // mid-statement emits 'error' on the client, which unheard is an uncaught exception. The
            // statement rejects with the same error, so the listener has nothing else to do.
            const onClientError = () => { failed = true; };
            client.on('error', onClientError);
            try {
                return await client.query(text, values);
            }
            catch (err) {
                failed = true;
                throw err;
            }
            finally {
                signal?.removeEventListener('abort', drop);
                client.removeListener('error', onClientError);
                if (!dropped)
                    client.release(failed || retire?.aborted);
            }
        }
        // if (this.config.debug === true) {
        //   console.log(`${new Date().toISOString()}: DEBUG SQL`)
        //   console.log(text)
        //   if (values) {
        //     console.log(`${new Date().toISOString()}: DEBUG VALUES`)
        //     console.log(values)
        //   }
        // }
        return await this.pool.query(text, values);
    }
    // Opens a dedicated, session-pinned connection for LISTEN/NOTIFY. A separate pg.Client
    // (not a pooled connection) is used so the listener never depletes the query pool and so
    // reconnection is self-contained. TCP keepalive plus a same-session heartbeat detect silent
    // drops and lost subscriptions. The client reconnects with capped backoff, re-runs LISTEN,
    // then calls onReconnect so the caller can recover missed messages.
    async listen(channel, onNotification, onReconnect) {
        assert(this.opened, 'Database not opened. Call start() before using pg-boss, or again after stop().');
        let closed = false;
        let client = null;
        let reconnectTimer = null;
        let heartbeatTimer = null;
        let attempt = 0;
        const heartbeatInterval = this.config.notifyHeartbeatIntervalMs ?? DEFAULT_LISTEN_HEARTBEAT_INTERVAL_MS;
        const heartbeatTimeout = this.config.notifyHeartbeatTimeoutMs ?? DEFAULT_LISTEN_HEARTBEAT_TIMEOUT_MS;
        const keepAliveInitialDelay = this.config.notifyKeepAliveInitialDelayMs ?? DEFAULT_LISTEN_KEEP_ALIVE_INITIAL_DELAY_MS;
        // Only self-heal once the listener has been established at least once. If the INITIAL connect
        // fails, the rejection propagates to the caller (Notifier.start), which falls back to
        // polling-only and discards this subscription's close handle, so a reconnect scheduled from
        // the client 'error' handler would be an untracked connection nothing can close, keeping the
        // event loop alive and delivering notifications into a stopped manager.
        let established = false;
        const clearHeartbeat = () => {
            if (!heartbeatTimer)
                return;
            this.clock.clearTimeout(heartbeatTimer);
            heartbeatTimer = null;
        };
        const scheduleReconnect = () => {
            if (closed || reconnectTimer)
                return;
            const backoff = Math.min(30000, 1000 * 2 ** Math.min(attempt, 5));
            attempt++;
            reconnectTimer = this.clock.setTimeout(() => {
                reconnectTimer = null;
                connect().catch(() => scheduleReconnect());
            }, backoff);
        };
        const disconnect = (target, error) => {
            if (closed || client !== target)
                return;
            clearHeartbeat();
            client = null;
            target.removeAllListeners();
            target.end().catch(() => { });
            this.emit('error', error);
            if (established)
                scheduleReconnect();
        };
        const scheduleHeartbeat = (target) => {
            if (closed || client !== target)
                return;
            heartbeatTimer = this.clock.setTimeout(() => {
                heartbeatTimer = null;
                heartbeat(target).catch(error => disconnect(target, error));
            }, heartbeatInterval);
        };
        const heartbeat = async (target) => {
            if (closed || client !== target)
                return;
            let timeout = null;
            const query = target.query(`SELECT EXISTS (
           SELECT 1
             FROM pg_listening_channels() AS active(channel)
            WHERE channel = $1
         ) AS listening`, [channel]);
            query.catch(() => { });
            try {
                const result = await Promise.race([
                    query,
                    new Promise((resolve, reject) => {
                        timeout = this.clock.setTimeout(() => reject(new Error('LISTEN/NOTIFY heartbeat timed out')), heartbeatTimeout);
                    })
                ]);
                if (!result.rows[0]?.listening) {
                    throw new Error('LISTEN/NOTIFY channel registration was lost');
                }
            }
            finally {
                if (timeout)
                    this.clock.clearTimeout(timeout);
            }
            scheduleHeartbeat(target);
        };
        const connect = async () => {
            if (closed)
                return;
            const next = new pg.Client({
                ...this.config,
                keepAlive: true,
                keepAliveInitialDelayMillis: keepAliveInitialDelay
            });
            next.on('error', error => {
                disconnect(next, error);
            });
            next.on('end', () => disconnect(next, new Error('LISTEN/NOTIFY connection ended')));
            next.on('notification', msg => {
                if (msg.payload !== undefined)
                    onNotification(msg.payload);
            });
            // Track the client before connecting so close() can tear down a connect still in flight
            // (e.g. shutdown during a reconnect). If connect or LISTEN then rejects, the catch ends
            // it and rethrows. Without that, a LISTEN that fails after connect() succeeded would
            // leak an open connection. The reconnect .catch below reschedules on failure; an initial
            // failure propagates to the caller.
            client = next;
            try {
                await next.connect();
                await next.query(`LISTEN "${channel}"`);
            }
            catch (err) {
                next.removeAllListeners();
                await next.end().catch(() => { });
                if (client === next)
                    client = null;
                throw err;
            }
            attempt = 0;
            established = true;
            scheduleHeartbeat(next);
            onReconnect();
        };
        await connect();
        return {
            close: async () => {
                closed = true;
                if (reconnectTimer) {
                    this.clock.clearTimeout(reconnectTimer);
                    reconnectTimer = null;
                }
                clearHeartbeat();
                if (client) {
                    client.removeAllListeners();
                    await client.end().catch(() => { });
                    client = null;
                }
            }
        };
    }
    // Pins a client, opens a transaction, and hands back the controls. Callers that can express their
    // work as a single function should use withTransaction(); this exists for the cases where the
    // settle path has to pick how the transaction ends, which is what a transactional worker does
    // when it rolls back a failed handler and then records the failure on a pooled connection.
    //
    // The handle owns the client and releases it exactly once. Every way this can end badly releases
    // with the error, so the pool discards a client left in an unknown state rather than handing it
    // to the next caller mid-transaction: a failed COMMIT, a connection that errors while checked
    // out, and a ROLLBACK that cannot get through.
    async beginTransaction() {
        assert(this.opened, 'Database not opened. Call start() before using pg-boss, or again after stop().');
        const client = await this.pool.connect();
        let released = false;
        // Why the connection died, when it died on its own rather than through commit() or rollback().
        // Later calls on the handle report it instead of the generic settled message, which on its own
        // would describe a dropped connection as a caller mistake.
        let connectionError = null;
        // pg-pool takes its own idle 'error' listener off a client for as long as it is checked out, so
        // a connection that drops while the transaction is open emits 'error' with nothing listening,
        // which ends the process. The transaction is lost either way, so record the reason and release
        // with it: the pool discards the client, and the handle stops accepting statements.
        const onClientError = (err) => {
            connectionError ??= err;
            release(err);
        };
        const release = (err) => {
            if (released)
                return;
            released = true;
            client.removeListener('error', onClientError);
            client.release(err);
        };
        const settledError = () => connectionError ?? new Error('Transaction is already settled');
        client.on('error', onClientError);
        try {
            await client.query('BEGIN');
        }
        catch (err) {
            release(err);
            throw err;
        }
        return {
            db: {
                // Refuses to run once the transaction is settled. Without this, a statement issued late by
                // a handler that outlived its timeout would land on a client the pool has already handed
                // to someone else, running outside any transaction and inside a stranger's session.
                executeSql: (text, values) => released
                    ? Promise.reject(settledError())
                    : client.query(text, values)
            },
            commit: async () => {
                // A second settle would otherwise send COMMIT down a client the pool has already reused.
                if (released)
                    throw settledError();
                try {
                    await client.query('COMMIT');
                }
                catch (err) {
                    release(err);
                    throw err;
                }
                release();
            },
            // Idempotent, and it deliberately swallows its own failure: a rollback is already the error
            // path, and the caller has an original error worth more than "ROLLBACK failed".
            //
            // Bounded, too. Statements queue per connection, so a ROLLBACK issued while the caller's own
            // statement is still in flight (a handler abandoned at its expiration, say) waits exactly as
            // long as that statement does, which is unbounded. Past the deadline the client is released
            // with the error instead: that drops the connection, and the server aborts the transaction
            // with it.
            rollback: async () => {
                if (released)
                    return;
                const rollback = client.query('ROLLBACK');
                const deadline = delay(TRANSACTION_ROLLBACK_TIMEOUT_MS, 'ROLLBACK did not complete in time');
                try {
                    await Promise.race([rollback, deadline]);
                    release();
                }
                catch (err) {
                    release(err);
                }
                finally {
                    deadline.abort();
                }
            }
        };
    }
    async withTransaction(fn) {
        const tx = await this.beginTransaction();
        try {
            const result = await fn(tx.db);
            await tx.commit();
            return result;
        }
        catch (err) {
            await tx.rollback();
            throw err;
        }
    }
}
export default Db;
