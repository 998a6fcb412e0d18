import { clockDelay } from "./tools.js";
const WORKER_STATES = {
    created: 'created',
    active: 'active',
    stopping: 'stopping',
    stopped: 'stopped'
};
class Worker {
    id;
    workId;
    name;
    options;
    fetch;
    onFetch;
    onError;
    resolveInterval;
    clock;
    jobs = [];
    createdOn;
    state = WORKER_STATES.created;
    lastFetchedOn = null;
    lastJobStartedOn = null;
    lastJobEndedOn = null;
    lastJobDuration = null;
    lastError = null;
    lastErrorOn = null;
    stopping = false;
    stopped = false;
    abortController = null;
    // Set when a shutdown abandons the batch in flight. Manager reads it to tell that apart from the
    // handler finishing on its own: the abort resolves the handler race rather than rejecting it, so
    // the signal alone says nothing, and the timeout wired into the same controller trips it on every
    // ordinary completion. Reset per batch by the manager, beside abortController.
    aborted = false;
    // A handler that outran its timeout and was still running when stop() ended the wait for it. The
    // manager releases the batch's localGroupConcurrency slots once it settles rather than at once.
    abandonedHandler = null;
    // Set by failWip() once stop() has spent its grace: a claim landing after this is refused.
    graceExpired = false;
    // Aborted by stop(): a stopping worker fetches nothing, so a handler that outran its timeout is no
    // longer waited for.
    stopController = new AbortController();
    loopDelayPromise = null;
    beenNotified = false;
    runPromise = null;
    constructor({ id, workId, name, options, resolveInterval, fetch, onFetch, onError, clock }) {
        this.clock = clock;
        this.createdOn = clock.now();
        this.id = id;
        this.workId = workId;
        this.name = name;
        this.options = options;
        this.fetch = fetch;
        this.onFetch = onFetch;
        this.onError = onError;
        this.resolveInterval = resolveInterval;
    }
    start() {
        this.runPromise = this.run();
    }
    async run() {
        this.state = WORKER_STATES.active;
        while (!this.stopping) {
            const started = this.clock.now();
            // Number of jobs the last fetch returned; stays 0 on error so a failed fetch backs
            // off to normal polling instead of hot-looping in burst mode.
            let fetchedCount = 0;
            try {
                this.beenNotified = false;
                const jobs = await this.fetch();
                this.lastFetchedOn = this.clock.now();
                if (jobs) {
                    fetchedCount = jobs.length;
                    this.jobs = jobs;
                    this.lastJobStartedOn = this.lastFetchedOn;
                    await this.onFetch(jobs);
                    this.lastJobEndedOn = this.clock.now();
                    this.jobs = [];
                }
            }
            catch (err) {
                this.lastErrorOn = this.clock.now();
                this.lastError = err;
                err.message = `${err.message} (Queue: ${this.name}, Worker: ${this.id})`;
                this.onError(err);
            }
            const duration = this.clock.now() - started;
            this.lastJobDuration = duration;
            // Resolve the effective delay each iteration: burst (continuous), NOTIFY backstop, or
            // the base poll (see Manager.work). fetchedCount lets the resolver keep going only while
            // fetches come back full. A short fetch resumes normal polling. A returned interval
            // <= duration + 100 (0 in burst mode) skips the delay and re-fetches immediately.
            const interval = this.resolveInterval(fetchedCount);
            if (!this.stopping && !this.beenNotified && (interval - duration) > 100) {
                this.loopDelayPromise = clockDelay(this.clock, interval - duration);
                await this.loopDelayPromise;
                this.loopDelayPromise = null;
            }
        }
        this.stopping = false;
        this.stopped = true;
        this.state = WORKER_STATES.stopped;
    }
    notify() {
        this.beenNotified = true;
        if (this.loopDelayPromise) {
            this.loopDelayPromise.abort();
        }
    }
    async stop() {
        // Idempotent: run() has already reset `stopping` and exited, so a second stop would strand the
        // worker in `stopping` with nothing left to clear it. Overlapping stops on a *live* worker are
        // fine - they all await the one `runPromise` - so only the settled case needs the guard.
        if (this.stopped)
            return;
        this.stopping = true;
        this.state = WORKER_STATES.stopping;
        this.stopController.abort();
        if (this.loopDelayPromise) {
            this.loopDelayPromise.abort();
        }
        await this.runPromise;
    }
    get stopSignal() {
        return this.stopController.signal;
    }
    abort() {
        if (!this.abortController)
            return;
        this.aborted = true;
        if (!this.abortController.signal.aborted) {
            this.abortController.abort();
        }
    }
    toWipData() {
        return {
            id: this.id,
            workId: this.workId,
            name: this.name,
            options: this.options,
            state: this.state,
            count: this.jobs.length,
            createdOn: this.createdOn,
            lastFetchedOn: this.lastFetchedOn,
            lastJobStartedOn: this.lastJobStartedOn,
            lastJobEndedOn: this.lastJobEndedOn,
            lastError: this.lastError,
            lastErrorOn: this.lastErrorOn,
            lastJobDuration: this.lastJobDuration
        };
    }
}
export default Worker;
