import EventEmitter from 'node:events';
import * as plans from "./plans.js";
import { emitAndPersistWarning } from "./warning.js";
const events = {
    error: 'error',
    warning: 'warning'
};
const WARNING_TYPE = 'listen_notify_unavailable';
// Owns the LISTEN/NOTIFY listener lifecycle. A NOTIFY is only ever a latency hint: it
// wakes workers so they run their normal locking fetch sooner than the polling interval
// If the listener can't be established (custom adapter, PgBouncer transaction pooling,
// dropped connection), fall back to polling after emitting a warning.
class Notifier extends EventEmitter {
    events = events;
    #db;
    #manager;
    #config;
    #handle = null;
    #stopped = true;
    constructor(db, manager, config) {
        super();
        this.#db = db;
        this.#manager = manager;
        this.#config = config;
    }
    // True only once the listener handle is established. False before start(), when the
    // database doesn't support LISTEN or it fails (warning path), and after stop(). Workers
    // read this to decide between the relaxed notify polling interval and the fallback.
    get available() {
        return this.#handle !== null;
    }
    async start() {
        if (!this.#stopped)
            return;
        this.#stopped = false;
        // Some backends (e.g. CockroachDB) don't implement LISTEN/NOTIFY at all. Skip the
        // listener there even when useListenNotify was requested; polling still runs.
        if (this.#config.noListenNotify) {
            this.emit(events.warning, {
                message: `useListenNotify is not supported on the ${this.#config.backend} backend. Continuing with polling only.`,
                data: { type: WARNING_TYPE, backend: this.#config.backend }
            });
            return;
        }
        if (typeof this.#db.listen !== 'function') {
            this.emit(events.warning, {
                message: 'useListenNotify is enabled but the database connection does not support LISTEN/NOTIFY. Continuing with polling only.',
                data: { type: WARNING_TYPE }
            });
            return;
        }
        try {
            // Resolve the channel literal once from the shared SQL expression. LISTEN cannot take
            // an expression, so the listener needs the concrete name; the producer inlines the
            // same expression, so both sides always agree.
            const { rows } = await this.#db.executeSql(`SELECT ${plans.notifyChannelSql(this.#config.schema)} AS channel`);
            const channel = rows[0].channel;
            this.#handle = await this.#db.listen(channel, payload => this.#manager.notifyQueue(payload), () => this.#manager.forceFetchLnWorkers());
        }
        catch (err) {
            // Persisted, unlike the two above: those restate the configuration on every start, and this
            // one is a failure the database or the network caused.
            await emitAndPersistWarning({
                emitter: this,
                db: this.#db,
                schema: this.#config.schema,
                persistWarnings: this.#config.persistWarnings,
                warningEvent: events.warning,
                errorEvent: events.error
            }, WARNING_TYPE, 'Failed to start LISTEN/NOTIFY listener. Continuing with polling only.', { type: WARNING_TYPE, instance: this.#manager.instanceId, error: err?.message });
        }
    }
    async stop() {
        if (this.#stopped)
            return;
        this.#stopped = true;
        if (this.#handle) {
            try {
                await this.#handle.close();
            }
            catch (err) {
                this.emit(events.error, err);
            }
            this.#handle = null;
        }
    }
}
export default Notifier;
