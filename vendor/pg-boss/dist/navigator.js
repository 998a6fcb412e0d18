import EventEmitter from 'node:events';
import { ClaimTimer } from "./claimTimer.js";
import * as plans from "./plans.js";
import { delay } from "./tools.js";
import * as types from "./types.js";
const events = {
    error: 'error',
    flow: 'flow'
};
// Cap audit batches per resolve pass so a large backlog can't monopolize the loop; whatever is
// left over is picked up on the next poll.
const MAX_BATCHES_PER_PASS = 100;
// Background flow resolver. Completion is kept on a join-free hot path (see issue #824); the
// dependency bookkeeping that used to run inline now happens here, out of band. Modeled on the
// Bam poller: on each tick it claims the cluster-wide cadence gate (version.flow_on) and, if it
// wins, audits for completed "blocking" parents via the job_i9 partial index, decrements their
// children, unblocks those reaching zero, and clears the parents' blocking flag so they are not
// reprocessed. The Guild Navigator that keeps the spice flowing.
class Navigator extends EventEmitter {
    #stopped;
    #stopping;
    #working;
    #pollTimer;
    #db;
    #manager;
    #config;
    events = events;
    constructor(db, manager, config) {
        super();
        this.#db = db;
        this.#manager = manager;
        this.#config = config;
        this.#stopped = true;
        this.#stopping = false;
        this.#working = false;
    }
    get working() {
        return this.#working;
    }
    // Started with supervise disabled too, which only leaves the poll unarmed, so stop() still
    // reaches a resolveNow() call on an instance that drives flows itself.
    async start() {
        if (!this.#stopped)
            return;
        this.#stopped = false;
        this.#stopping = false;
        if (!this.#config.supervise)
            return;
        this.#pollTimer = new ClaimTimer(this.#config.clock, this.#config.flowIntervalSeconds, () => this.#onPoll());
        setImmediate(() => this.#onPoll());
        this.#pollTimer.start();
    }
    async stop() {
        if (this.#stopped)
            return;
        this.#stopping = true;
        this.#stopped = true;
        if (this.#pollTimer) {
            this.#pollTimer.stop();
            this.#pollTimer = undefined;
        }
        while (this.#working) {
            await delay(10);
        }
    }
    async #onPoll() {
        if (this.#stopped || this.#working)
            return;
        this.#working = true;
        try {
            if (this.#config.__test__throw_flow) {
                throw new Error(this.#config.__test__throw_flow);
            }
            if (this.#config.__test__delay_flow_ms) {
                await delay(this.#config.__test__delay_flow_ms);
            }
            const gate = plans.trySetFlowTime(this.#config.schema, this.#config.flowIntervalSeconds);
            const { rows } = await this.#db.executeSql(gate);
            // The row is stamped; the next attempt is measured from here rather than from the tick that
            // started this one. See ClaimTimer.
            this.#pollTimer?.anchor();
            if (rows.length === 1) {
                await this.#resolve();
            }
        }
        catch (err) {
            this.emit(events.error, err);
        }
        finally {
            this.#working = false;
        }
    }
    // On-demand, ungated resolution pass. Like boss.supervise(), it is callable whether or not the
    // background poll is running, so tests and apps can resolve flows deterministically. It skips
    // the version-table cadence gate but still serializes against an in-flight poll via #working.
    async resolveNow() {
        while (this.#working) {
            await delay(10);
        }
        if (this.#stopping)
            return;
        this.#working = true;
        try {
            await this.#resolve();
        }
        finally {
            this.#working = false;
        }
    }
    async #resolve() {
        const queues = await this.#manager.getQueues();
        // Group queues by partition table so each audit statement targets a single table and prunes to
        // the chunk's queue names (mirrors boss.supervise()'s grouping).
        const queueGroups = queues.reduce((acc, q) => {
            acc[q.table] = acc[q.table] || { table: q.table, names: [] };
            acc[q.table].names.push(q.name);
            return acc;
        }, {});
        for (const group of Object.values(queueGroups)) {
            if (this.#stopping)
                return;
            const { table } = group;
            const names = [...group.names];
            while (names.length) {
                if (this.#stopping)
                    return;
                const chunk = names.splice(0, 100);
                let batches = 0;
                let resolved = 0;
                do {
                    if (this.#stopping)
                        return;
                    resolved = this.#config.noMultiMutationCte
                        ? await this.#manager.resolveFlowJobsDistributed(table, chunk)
                        : await this.#resolveStandard(table, chunk);
                    if (resolved > 0) {
                        this.emit(events.flow, { table, resolved });
                    }
                } while (resolved >= plans.FLOW_BATCH_SIZE && ++batches < MAX_BATCHES_PER_PASS && !this.#stopping);
            }
        }
    }
    async #resolveStandard(table, names) {
        const query = plans.resolveFlowJobs(this.#config.schema, table, names);
        const { rows } = await this.#db.executeSql(query.text, query.values);
        // CockroachDB returns integer columns as strings; coerce so the drain-loop comparison is numeric.
        return Number(rows[0]?.resolved ?? 0);
    }
}
export default Navigator;
