import { CronExpressionParser } from 'cron-parser';
import assert from 'node:assert';
import EventEmitter from 'node:events';
import * as Attorney from "./attorney.js";
import { ClaimTimer } from "./claimTimer.js";
import * as plans from "./plans.js";
import { isRrule, latestOccurrenceBefore, occurrencesInWindow, rruleWalker, assertRrule, assertRruleSends } from "./rrule.js";
import { assertTimezone } from "./timezone.js";
import { delay } from "./tools.js";
import * as types from "./types.js";
import { emitAndPersistWarning } from "./warning.js";
export const QUEUES = {
    SEND_IT: '__pgboss__send-it'
};
const EVENTS = {
    error: 'error',
    schedule: 'schedule',
    warning: 'warning'
};
const WARNINGS = {
    CLOCK_SKEW: {
        message: 'Warning: Clock skew between this instance and the database server. This will not break scheduling, but is emitted any time the skew exceeds 60 seconds.'
    }
};
const WARNING_TYPES = {
    CLOCK_SKEW: 'clock_skew',
    INVALID_SCHEDULE: 'invalid_schedule'
};
// previewSchedule() defaults and ceilings. The count ceiling is not a database limit, since the walk
// is pure cron-parser arithmetic, but an unbounded count on a per-second expression is a foot-gun.
// A caller that genuinely wants more can page by passing the last occurrence back as `from`.
const PREVIEW_DEFAULT_COUNT = 5;
/** Exported so a caller building a form or an HTTP parameter around the ceiling reads it here. */
export const PREVIEW_MAX_COUNT = 1000;
// Count is the wrong budget on its own, because occurrences are not equally priced: 1000 of a
// per-second expression cost about 8ms, 1000 of '0 0 1 1 *' about 160ms, and 1000 of '0 0 29 2 *'
// about 6 seconds, since each next() on a sparse expression searches years of candidate dates. The
// walk is synchronous, so those 6 seconds are 6 seconds of blocked event loop for every worker
// poll, cron tick and heartbeat in the process. Bounding wall clock as well caps that at a second
// while leaving the full documented count reachable for any expression that is not pathological.
const PREVIEW_TIME_BUDGET_MS = 1000;
// How long an occurrence stays due, and the width of the throttle slot a forwarded job is filed in.
// One value because the two have to agree: a window wider than the slot lets two slots claim the
// same occurrence and send it twice, and a slot wider than the window collapses two occurrences a
// window apart into one job.
const OCCURRENCE_WINDOW_SECONDS = 60;
/** The policy names, for the check schedule() performs and the one the pass performs. */
const MISSED_POLICIES = Object.values(plans.SCHEDULE_MISSED_POLICIES);
/**
 * The singleton key a forwarded occurrence is filed under, which is what keeps two instances
 * sending the same occurrence from creating two jobs.
 *
 * The name's own underscores are escaped rather than the pair concatenated raw: underscores are
 * legal in both halves, so `${name}__${key}` collapsed ('report_', 'daily') and ('report', '_daily')
 * onto one key and the 60-second singleton then dropped whichever occurrence lost the race. With
 * the name escaped the first unescaped underscore can only be the separator, so the pair is
 * recoverable from the string, and `\` is outside the charset assertObjectName and assertKey allow
 * on either half, so the escape cannot collide with a name that contains one.
 *
 * A JSON pair would be injective too, and different from the key every release before this one
 * wrote for every schedule there is. The two formats do not collide with each other, so a rolling
 * upgrade would put an old pass and a new pass on the same occurrence and both jobs would survive
 * the singleton. This form is byte-identical to the old key for every name that carries no
 * underscore, so the only keys that move are the ones already colliding today.
 */
function occurrenceKey(name, key) {
    return `${name.replaceAll('_', '\\_')}__${key}`;
}
/**
 * The throttle slot an instant falls in, as the timestamp the insert files a job under.
 *
 * `singleton_on` is a timestamp without a zone holding UTC wall time, which is what the insert's own
 * slot expression computes from `now()` for a cron occurrence, so a slot measured here is rendered
 * in the same terms.
 */
function throttleSlot(instant) {
    const width = OCCURRENCE_WINDOW_SECONDS * 1000;
    return new Date(Math.floor(instant.getTime() / width) * width).toISOString().replace('T', ' ').slice(0, 19);
}
/**
 * Whether the cron claim went through, as the driver in front of this instance hands the column
 * back: a boolean from anything that parses one, and its text or an integer from an adapter over a
 * backend that speaks JSON.
 *
 * Read liberally on purpose. The two ways to be wrong are not worth the same: a `true` read as
 * `false` leaves this instance believing it never wins the claim, so a single-instance deployment
 * runs no pass at all and no schedule ever fires. The other way costs a pass that another instance
 * also ran, whose occurrences the throttle slot collapses into the one job they would have been.
 */
function claimTaken(value) {
    if (typeof value === 'string') {
        return ['true', 't', '1'].includes(value.toLowerCase());
    }
    return value === true || value === 1;
}
/**
 * A timestamp column as the driver in front of this instance hands it back: node-postgres parses
 * one into a Date, an adapter over a backend that speaks JSON hands back the string it was sent,
 * and an application sharing its pool may have installed a pg-types parser of its own. An object is
 * read by its epochMilliseconds (Temporal.Instant) or by what valueOf answers with (Luxon, Moment
 * and Day.js all coerce to epoch milliseconds that way). Never `new Date(value)` on an object:
 * Temporal.Instant throws from valueOf, which is why the fallback reads it behind a guard instead.
 * Null for anything that names no instant, which is what an absent column reads as.
 */
function toTime(value) {
    if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? null : value.getTime();
    }
    if (typeof value === 'string' || typeof value === 'number') {
        const time = new Date(value).getTime();
        return Number.isNaN(time) ? null : time;
    }
    if (typeof value === 'object' && value !== null) {
        // Both reads are inside the guard. epochMilliseconds is a getter on the types that have it, and
        // a wrapper is free to brand-check or validate in one, so reading it is as able to throw as
        // valueOf is. Either way a value this pass cannot make an instant of has to read as no instant
        // rather than take the whole cron pass down with it.
        try {
            const epoch = value.epochMilliseconds;
            if (typeof epoch === 'number' && Number.isFinite(epoch)) {
                return epoch;
            }
            // Every other wrapper an application is likely to parse a timestamp into answers valueOf with
            // epoch milliseconds. Read straight off it rather than through `new Date()`: Temporal refuses
            // valueOf by design, and a plain object answers with itself, which is not a number.
            const millis = value.valueOf();
            if (typeof millis === 'number' && Number.isFinite(millis)) {
                return millis;
            }
        }
        catch {
            // Nothing here names an instant, which is what an absent column reads as.
        }
    }
    return null;
}
/**
 * The catch-up policy a schedule row asks for, which is `skip` for every schedule written before
 * the option existed: a pass sends what the due window holds and nothing else.
 *
 * A value schedule() would have refused can still be on a row, written into the table with SQL or
 * by a release that names a policy this one does not, and reads as `skip` as well. The pass sends
 * what it has always sent rather than picking one of the other two on the row's behalf.
 */
function missedPolicy(options) {
    const missed = options?.missed;
    return missed !== undefined && MISSED_POLICIES.includes(missed)
        ? missed
        : plans.SCHEDULE_MISSED_POLICIES.skip;
}
/**
 * Rejects a catch-up policy no pass would honor, at the one point a caller can be told about it: a
 * value the pass does not recognize reads as `skip`, so a typo left unchecked here is a schedule
 * that silently never catches up on anything.
 */
function assertMissedPolicy(missed) {
    // Nullish is "no policy named", which is the default, for the same reason a falsy `tz` is UTC: a
    // value threaded out of a config object or a database column arrives as null rather than absent,
    // and a policy name is never falsy, so nothing a caller could have meant is being read past. The
    // row keeps whatever it was given, and the pass reads it as `skip` either way.
    assert(missed === undefined || missed === null || MISSED_POLICIES.includes(missed), `missed must be one of: ${MISSED_POLICIES.join(', ')}`);
}
/**
 * Parses a cron expression the way the cron pass will evaluate it, mapping cron-parser's failures
 * onto messages that name the input actually at fault. Deliberately reuses cron-parser rather than
 * an independent Intl check, so what schedule() accepts is exactly what the cron pass can evaluate.
 *
 * The expression is checked first, against UTC, so a bad expression reports as one rather than as a
 * time zone problem. That first parse tolerates any zone only because cron-parser validates `tz`
 * lazily: with no reference date it never constructs a CronDate, so a typo like 'America/New_Yrok'
 * survives it. assertTimezone forces that construction and names the zone, which is also what the
 * rrule path judges its zone with, so the two report an unusable one in the same words.
 *
 * The returned interval is the one the caller wants anyway, so the walk costs a single parse.
 */
function parseRecurrence(cron, tz, currentDate) {
    CronExpressionParser.parse(cron, { tz: 'UTC', strict: false });
    assertTimezone(tz);
    return CronExpressionParser.parse(cron, { tz, strict: false, currentDate });
}
// cron-parser reads an empty expression, and undefined or null, as `* * * * *`, and those are nearly
// always a missing value, not a request to run every minute. Checked before isRrule(), which reads a
// non-string as its string form and would send something like ['FREQ=DAILY'] down the rule path.
function assertExpression(expression) {
    assert(typeof expression === 'string' && expression.trim() !== '', 'cron expression must be a non-empty string');
}
/**
 * Validates a recurrence in whichever of the two formats it is written, so previewSchedule() and
 * schedule() reject exactly the same expressions.
 */
function assertRecurrence(expression, tz, now) {
    assertExpression(expression);
    if (isRrule(expression)) {
        assertRrule(expression, tz);
    }
    else {
        parseRecurrence(expression, tz, now);
    }
}
class Timekeeper extends EventEmitter {
    db;
    config;
    manager;
    stopped = true;
    cronMonitorTimer;
    skewMonitorTimer;
    _timekeeping;
    _checkingSkew = false;
    // Rows already warned about, keyed on (name, key, cron, timezone). Unlike every other warning
    // type, an unusable schedule never heals on its own: clock skew converges, a backlog drains, a
    // slow query is a one-off, but a bad row sits there until a human edits it. Warning every pass
    // would persist a row every cronMonitorIntervalSeconds for as long as it stayed broken, a year's
    // worth under the default warningRetentionDays from a single typo. Rebuilt each pass from
    // the rows still broken, so a fixed or deleted schedule drops out and would warn again if it
    // came back.
    warnedSchedules = new Set();
    clockSkew = 0;
    events = EVENTS;
    constructor(db, manager, config) {
        super();
        this.db = db;
        this.config = config;
        this.manager = manager;
    }
    get checkingSkew() {
        return this._checkingSkew;
    }
    get timekeeping() {
        return !!this._timekeeping;
    }
    // The instance's reading of the database clock. previewSchedule() promises the reference point the
    // cron pass evaluates against, so both read it here rather than each repeating the arithmetic.
    // Zero skew until cacheClockSkew() has run, which start() only reaches when the instance was
    // configured with scheduling enabled.
    get databaseTime() {
        return this.config.clock.now() + this.clockSkew;
    }
    get warningContext() {
        return {
            emitter: this,
            db: this.db,
            schema: this.config.schema,
            persistWarnings: this.config.persistWarnings,
            warningEvent: this.events.warning,
            errorEvent: this.events.error
        };
    }
    async start() {
        // As bam and the navigator do. Without it a second start takes a second reading and arms a
        // second cron timer and a second skew chain over the fields holding the first, which stop()
        // then cannot reach: the orphans keep polling until the process ends. The flag is set before
        // the first await below, so two concurrent calls cannot both get through.
        if (!this.stopped)
            return;
        this.stopped = false;
        // A restart should re-surface a row nobody has fixed yet
        this.warnedSchedules.clear();
        await this.cacheClockSkew();
        await this.manager.createQueue(QUEUES.SEND_IT);
        const options = {
            pollingIntervalSeconds: this.config.cronWorkerIntervalSeconds,
            batchSize: 50
        };
        await this.manager.work(QUEUES.SEND_IT, options, (jobs) => this.onSendIt(jobs));
        setImmediate(() => this.onCron());
        this.cronMonitorTimer = new ClaimTimer(this.config.clock, this.config.cronMonitorIntervalSeconds, () => this.onCron());
        this.cronMonitorTimer.start();
        this.scheduleSkewMonitor();
    }
    async stop() {
        if (this.stopped) {
            return;
        }
        this.stopped = true;
        await this.manager.offWork(QUEUES.SEND_IT, { wait: true });
        if (this.skewMonitorTimer) {
            this.config.clock.clearTimeout(this.skewMonitorTimer);
            this.skewMonitorTimer = null;
        }
        if (this.cronMonitorTimer) {
            this.cronMonitorTimer.stop();
            this.cronMonitorTimer = null;
        }
        while (this._timekeeping || this._checkingSkew) {
            await delay(10);
        }
    }
    // The next check is scheduled when the last one has finished, rather than repeating on a fixed
    // period. This is a round trip to the database on a timer nobody is waiting for, so the polite
    // shape is a full interval of quiet between two of them: on an interval, a check that runs long -
    // a stalled connection, a server under load, the conditions that make a skew reading worth having
    // in the first place - has the next one fire on top of it and every one after that queue up
    // behind, which is load arriving exactly when there is least room for it. Chained, a slow check
    // costs its own duration and nothing else.
    //
    // Unlike the interval claims this is not about when the check lands. Nothing is measured against
    // the period, the reading is local to this instance, and a check a few milliseconds either side
    // of ten minutes is the same reading. See ClaimTimer for the timers where the landing matters.
    scheduleSkewMonitor() {
        this.skewMonitorTimer = this.config.clock.setTimeout(async () => {
            try {
                await this.cacheClockSkew();
            }
            finally {
                if (!this.stopped)
                    this.scheduleSkewMonitor();
            }
        }, this.config.clockMonitorIntervalSeconds * 1000);
    }
    async cacheClockSkew() {
        // One at a time. The timer above cannot overlap two of these now that it chains, but this is a
        // public method as well, and stop() waits on the flag below: with two in flight the first to
        // finish would clear it and let stop() return while the second still held a connection.
        if (this._checkingSkew)
            return;
        let skew = 0;
        this._checkingSkew = true;
        try {
            if (this.config.__test__force_clock_monitoring_error) {
                throw new Error(this.config.__test__force_clock_monitoring_error);
            }
            if (this.config.__test__delay_clock_skew_ms) {
                await delay(this.config.__test__delay_clock_skew_ms);
            }
            const { rows } = await this.db.executeSql(plans.getTime(this.config.schema));
            const local = this.config.clock.now();
            const dbTime = parseFloat(rows[0].time);
            skew = dbTime - local;
            const skewSeconds = Math.abs(skew) / 1000;
            if (skewSeconds >= 60 || this.config.__test__force_clock_skew_warning) {
                await emitAndPersistWarning(this.warningContext, WARNING_TYPES.CLOCK_SKEW, WARNINGS.CLOCK_SKEW.message, { seconds: skewSeconds, direction: skew > 0 ? 'slower' : 'faster' });
            }
            this.clockSkew = skew;
        }
        catch (err) {
            this.emit(this.events.error, err);
        }
        finally {
            this._checkingSkew = false;
        }
    }
    async onCron() {
        // Outside the try: the pass that is running owns the flag, and finally runs for every path
        // through it, so an attempt that skips inside would clear the flag that pass is holding and let
        // stop() return while it is still going. Same shape as Bam.#onPoll and cacheClockSkew above.
        if (this.stopped || this._timekeeping)
            return;
        this._timekeeping = true;
        try {
            if (this.config.__test__force_cron_monitoring_error) {
                throw new Error(this.config.__test__force_cron_monitoring_error);
            }
            if (this.config.__test__delay_cron_ms) {
                await delay(this.config.__test__delay_cron_ms);
            }
            const sql = plans.trySetCronTime(this.config.schema, this.config.cronMonitorIntervalSeconds);
            if (!this.stopped) {
                const { rows } = await this.db.executeSql(sql);
                // The claim answers on both outcomes now, so `claimed` says which one this was. Before it
                // did, the answer was the row count, and an instance that lost learned nothing else.
                const claimed = claimTaken(rows[0]?.claimed);
                if (claimed) {
                    // cron_on is stamped; the next attempt is measured from here rather than from the tick
                    // that started this one, which is what keeps two passes an interval apart instead of
                    // letting one land a few milliseconds short and lose the claim for a whole interval. See
                    // ClaimTimer.
                    this.cronMonitorTimer?.anchor();
                }
                else {
                    // Another instance holds the claim, and the row it stamped is what the next pass is owed
                    // against - not this attempt. Measured from here the next attempt lands an interval after
                    // a failure that was already some way into the interval, so the moment the holder stops,
                    // the deployment's next pass is up to two intervals after its last one: wider than the
                    // 60-second due window, and the occurrences inside the excess are sent by nobody.
                    this.cronMonitorTimer?.anchor(this.claimRetryDelay(rows[0]?.elapsed));
                }
                if (!this.stopped && claimed) {
                    // The claim answers with the timestamp it replaced, which is when an instance last ran a
                    // pass. Anything older than the due window between then and now is a gap no pass covered,
                    // and a schedule's `missed` policy decides what it owes for it.
                    await this.cron(rows[0].priorCronOn);
                }
            }
        }
        catch (err) {
            this.emit(this.events.error, err);
        }
        finally {
            this._timekeeping = false;
        }
    }
    /**
     * How long an instance whose claim was refused waits before trying again: until the row it lost
     * to comes due, plus a beat.
     *
     * The beat keeps the retry off the due instant itself, where the holder's own attempt lands and
     * where the row can still be a microsecond short of the interval. A quarter of the interval,
     * capped at a second, so it stays a beat at every configurable interval instead of doubling the
     * smallest one.
     *
     * No jitter. What it would buy is a spread the retries already have: each is measured from its
     * own statement's snapshot and its own round trip, so several instances do not land on one
     * instant, and a refused claim is a single-row UPDATE whose predicate fails. What it would cost
     * is the one thing in this path a TestClock cannot drive to a known instant, which is what the
     * regression test for this needs.
     *
     * `elapsed` is how old the row was in the snapshot the claim read, so a winner that commits
     * between that snapshot and this statement's UPDATE leaves it measured against the previous
     * stamp: the retry then comes back early, is refused, and measures again. Self-correcting, and it
     * costs one extra statement in a race that has to happen inside a round trip. A null reads as a
     * full interval, which is the row a pass has never stamped - a state no claim is refused in.
     */
    claimRetryDelay(elapsed) {
        const interval = this.config.cronMonitorIntervalSeconds * 1000;
        const age = Number(elapsed);
        const remaining = Number.isFinite(age) && age > 0 ? Math.max(0, interval - age * 1000) : interval;
        return remaining + Math.min(1000, interval / 4);
    }
    /**
     * `priorCronOn` is when an instance last ran a pass, as the claim in onCron() read it off the row
     * it advanced. Null on a database no pass has run against, and left null by a caller that does
     * not know: either way no schedule has a gap to catch up on and the pass sends the due window,
     * which is what every release before catch-up sent.
     */
    async cron(priorCronOn = null) {
        const schedules = await this.getSchedules();
        const scheduled = [];
        const stillBroken = new Set();
        // Rows whose stored kind disagrees with the expression on them, as found out by reading the
        // expression the other way. Relabelled once the pass has sent what it owes, and each carries
        // the expression the label was read off, since a schedule() upsert landing between this pass's
        // read and its write would otherwise be stamped with the previous expression's kind.
        const relabelled = [];
        // One instant for the whole pass, so every schedule is judged against the same clock and the
        // throttle slot of a forwarded job is measured from the same place its occurrence was.
        const databaseTime = this.databaseTime;
        // Where the due window opens, and with it where a gap ends: an occurrence inside the window is
        // due now, and one older than it came due while nothing was looking.
        const windowStart = databaseTime - OCCURRENCE_WINDOW_SECONDS * 1000;
        const lastPass = toTime(priorCronOn);
        for (const schedule of schedules) {
            const { name, key, data, options, kind, cron, timezone } = schedule;
            // Reports a row the pass could not read, once per (name, key, expression, zone) rather than
            // once per pass: an unusable schedule never heals on its own, so warning every pass would
            // persist a row every cronMonitorIntervalSeconds forever.
            const warned = JSON.stringify([name, key, cron, timezone]);
            const warn = async (message) => {
                stillBroken.add(warned);
                if (!this.warnedSchedules.has(warned)) {
                    await emitAndPersistWarning(this.warningContext, WARNING_TYPES.INVALID_SCHEDULE, message, { queue: name, key, cron, timezone });
                }
            };
            let due;
            try {
                due = this.dueOccurrences(cron, kind, timezone, databaseTime);
            }
            catch (err) {
                // Evaluating one row must not decide the fate of the others. schedule() now rejects an
                // unusable time zone, but a row written by an earlier release, or straight into the table,
                // still throws here. This was a single filter() over every schedule, so one such row
                // propagated out of cron() and silently stopped scheduling for every queue in the
                // deployment, on every pass, until someone found the row. Skip it and warn instead, naming
                // the schedule so it is actually fixable.
                await warn(`Warning: schedule for queue "${name}" (key "${key}") could not be evaluated and was skipped: ${err.message}`);
                continue;
            }
            let missed = null;
            try {
                missed = this.missedOccurrence(schedule, due.kind, lastPass, windowStart);
            }
            catch (err) {
                // Its own try, so a catch-up that cannot be read does not cost the occurrence that is due
                // now. The two reads are hard to make diverge: the backwards one narrows its steps until
                // they are no wider than an hour, and an expression rrule-temporal refuses at an hour it
                // refuses over a minute too, which the read above catches and skips the whole row for. They
                // stay split anyway, because sharing the try was a real defect once and nothing about two
                // separate calls over different ranges makes it safe to couple them again. If a catch-up
                // does fail on its own the gap still closes, since the claim has already moved, so the
                // occurrence is gone rather than deferred and the operator is told.
                await warn(`Warning: schedule for queue "${name}" (key "${key}") could not be caught up on the gap since the last cron pass: ${err.message}`);
            }
            if (due.kind !== kind) {
                relabelled.push({ name, key, kind: due.kind, cron });
            }
            // The payload carries the schedule's key beside its queue name, so the send-it handler knows
            // which row an occurrence came from and can record the job it produced.
            const forwarded = { data: { name, key, data, options }, singletonKey: occurrenceKey(name, key) };
            // An occurrence can fall anywhere in the minute, a rule wherever it says and a cron
            // expression on the second its sixth placeholder names, and a slot measured from insert
            // time would then straddle it: two passes on either side of a slot boundary both find the occurrence
            // inside the window and file it in a slot of their own, sending it twice. So an occurrence
            // names the slot it falls in outright. An offset from the insert's own now() would not pin
            // it: everything between reading the clock here and the insert committing counts towards
            // the shifted instant, which lands in the next slot whenever that adds up to a boundary
            // crossing.
            //
            // An instance on a release that files a cron occurrence from insert time agrees with this
            // slot wherever that insert lands in the occurrence's own minute, and disagrees only where
            // it would already have sent the occurrence twice, so a rolling upgrade sends no more jobs
            // than the older release does alone.
            //
            // A missed occurrence names its slot for that reason and one more: it is older than the
            // window, so a slot off insert time would file it in the slot the pass runs in, where it
            // would collide with the job of the occurrence due now and be dropped. The slot it names is
            // older than the one insert time computes, so it cannot.
            //
            // One job per slot rather than one per occurrence, which is the resolution the docs promise:
            // an expression finer than a slot sends a job a slot, and two occurrences inside one window
            // that fall in slots of their own each send.
            const slots = new Set();
            if (missed !== null) {
                slots.add(throttleSlot(missed));
            }
            // Through the set the missed occurrence went through, since the window's lower bound falls
            // inside a slot rather than on one: an occurrence on the bound is missed, one a millisecond
            // later is due, and both belong to the same slot and so to the same job.
            for (const occurrence of due.occurrences) {
                slots.add(throttleSlot(occurrence));
            }
            for (const slot of slots) {
                scheduled.push({ ...forwarded, data: { ...forwarded.data, slot }, __singletonSlot: slot });
            }
        }
        this.warnedSchedules = stillBroken;
        if (scheduled.length > 0 && !this.stopped) {
            await this.manager.insert(QUEUES.SEND_IT, scheduled, { __singletonSlots: true });
        }
        // After the sends, so a failed relabel cannot cost an occurrence. Nothing depends on the write:
        // the fallback in dueOccurrences fires the row either way. What it buys is getSchedules() no
        // longer reporting a format the expression is not in, and the row leaving that fallback path.
        if (relabelled.length > 0 && !this.stopped) {
            await this.db.executeSql(plans.setScheduleKinds(this.config.schema), [JSON.stringify(relabelled)]);
        }
    }
    shouldSendIt(expression, tz, kind = plans.SCHEDULE_KINDS.cron) {
        return this.dueOccurrences(expression, kind, tz).occurrences.length > 0;
    }
    /**
     * The occurrences a schedule has come due for, and the format they were read in.
     *
     * `kind` says how to read the expression, and comes off the schedule row: the format was settled
     * when the schedule was written, so a pass reads the expression the one way its author meant it
     * rather than guessing again every 30 seconds.
     *
     * The column is a hint rather than a verdict, though, because two ordinary upgrade paths leave it
     * disagreeing with the expression beside it. A 12.30.x instance's `schedule()` does not name the
     * column, so an upsert from one during a rolling upgrade replaces the expression and leaves
     * whatever kind a newer instance last wrote; a v41 rollback drops the column, and the re-upgrade
     * labels every row from its default. Either way the row reads fine and never fires again. So when
     * an expression cannot be read the way the column says, and is written the other way, it is read
     * the way it is written: one regex, on a path that was already about to give up.
     *
     * An empty expression is refused first, as schedule() refuses it. cron-parser would read one as
     * every minute, and a row stored before schedule() checked for it would keep firing that often.
     */
    dueOccurrences(expression, kind, tz, databaseTime = this.databaseTime) {
        assertExpression(expression);
        try {
            return { kind, occurrences: this.readOccurrences(expression, kind, tz, databaseTime) };
        }
        catch (err) {
            const detected = isRrule(expression) ? plans.SCHEDULE_KINDS.rrule : plans.SCHEDULE_KINDS.cron;
            // The column and the expression agree, so the expression itself is what is wrong with the row,
            // and the caller names it in a warning.
            if (detected === kind) {
                throw err;
            }
            return { kind: detected, occurrences: this.readOccurrences(expression, detected, tz, databaseTime) };
        }
    }
    /**
     * The occurrence a schedule owes a job for from the gap since the last pass, or null when it owes
     * none. Null for every schedule under the default policy, and for every schedule at all in a
     * deployment whose passes keep running.
     *
     * The gap is (lastPass, windowStart]: older than the due window, so no pass has sent it, and
     * newer than the moment an instance last ran a pass, so no pass has skipped it either. A pass
     * claims `cronMonitorIntervalSeconds` after the one before it plus the round trip the claim
     * itself cost and the beat a refused instance waits past the due moment, 46 seconds and change at
     * the configurable ceiling, against a 60-second window, so the range is empty while passes keep
     * running and fills up when they stop: a deployment that is down, between deploys, or running
     * with scheduling switched off.
     *
     * That the spacing is an interval and not two of them takes both halves of onCron()'s answer. The
     * claim timer schedules a winner's next attempt from the moment its claim stamped the row rather
     * than on a grid, so a statement that lands quickly cannot measure the row short of the interval
     * and lose the claim for a whole one. A loser schedules its next attempt for when the row it lost
     * to comes due rather than an interval after its own failure, so the deployment keeps the spacing
     * when the instance holding the claim stops rather than waiting out that instance's phase as
     * well. See ClaimTimer and claimRetryDelay().
     *
     * The most recent occurrence rather than all of them, which is the whole of what `once` promises:
     * a job carries the schedule's `data` and nothing else, so a job per missed occurrence would be
     * twelve identical jobs after a twelve-hour outage with no way for a handler to tell which hour
     * each was for. One job whose meaning is "catch up to now" needs no such identity.
     *
     * Bounded below by the row's own `created_on` as well, so a schedule written during the gap does
     * not start life owing an occurrence of an expression that was not in the table yet. Not by
     * `updated_on`, which a deployment calling schedule() on every boot rewrites on the way up: that
     * would leave the policy with nothing to catch up on in precisely the case it exists for.
     */
    missedOccurrence(schedule, kind, lastPass, windowStart) {
        const { cron, timezone, options, createdOn } = schedule;
        if (missedPolicy(options) === plans.SCHEDULE_MISSED_POLICIES.skip || lastPass === null) {
            return null;
        }
        const from = Math.max(lastPass, toTime(createdOn) ?? lastPass);
        if (from >= windowStart) {
            return null;
        }
        return this.latestOccurrenceBefore(cron, kind, timezone, new Date(from), new Date(windowStart));
    }
    /**
     * The most recent occurrence an expression produces in (after, until], read as `kind` says to
     * read it, or null when the range holds none.
     *
     * Backwards from the window rather than forwards from the gap's start: the range is as wide as
     * the outage it covers, the read is synchronous like the rest of the pass, and what it costs has
     * to follow the one job it will send rather than the length of the outage.
     */
    latestOccurrenceBefore(expression, kind, tz, after, until) {
        if (kind === plans.SCHEDULE_KINDS.rrule) {
            return latestOccurrenceBefore(expression, after, until, tz);
        }
        // cron-parser's prev() answers strictly before its reference date, so the reference is a
        // millisecond past `until` to leave the upper bound included. That is where the due window's
        // own lower bound leaves off, and an occurrence exactly on it belongs to one range or the
        // other, never both.
        const interval = CronExpressionParser.parse(expression, { tz, strict: false, currentDate: new Date(until.getTime() + 1) });
        const occurrence = interval.prev().toDate();
        return occurrence.getTime() > after.getTime() ? occurrence : null;
    }
    /**
     * Every occurrence of an expression inside the due window, read as `kind` says to read it.
     *
     * Due means "an occurrence in the last minute", whatever the pass interval: a pass runs every
     * `cronMonitorIntervalSeconds` (30 by default), so the window has to be wide enough that an
     * occurrence is still due when the next pass reaches it, and the throttle slot of the forwarded
     * job is what keeps the passes that follow from sending it a second time.
     *
     * The window rather than its most recent point, since a rule can put two occurrences inside it
     * and a read that answers with one of them drops the other. A cron expression needs only the
     * most recent one, although two of its occurrences either side of a minute fall in slots of
     * their own: the minutes an expression matches are a minute apart at the closest, and passes run
     * closer together than the window is wide, so one lands while a matching minute's first
     * occurrence is still due and before any later minute has come round. It reads an occurrence of
     * that minute and files the job under it. An occurrence this read passes over falls in a minute
     * a pass before it answered for.
     */
    readOccurrences(expression, kind, tz, databaseTime) {
        const window = new Date(databaseTime - OCCURRENCE_WINDOW_SECONDS * 1000);
        if (kind === plans.SCHEDULE_KINDS.rrule) {
            return occurrencesInWindow(expression, window, new Date(databaseTime), tz);
        }
        // cron-parser's prev() answers strictly before its reference date, so the reference is a
        // millisecond past the window's upper bound to leave that bound included, exactly as
        // latestOccurrenceBefore does. Without it an occurrence landing on databaseTime falls out of
        // both ends at once: prev() steps back past it to the one 60 seconds earlier, which is the
        // window's excluded lower bound, and the pass sends nothing at all. A pass whose clock reads a
        // whole minute is rare (`databaseTime % 60000 === 0`) and entirely real.
        const interval = CronExpressionParser.parse(expression, { tz, strict: false, currentDate: new Date(databaseTime + 1) });
        const previous = interval.prev().toDate();
        return previous.getTime() > window.getTime() ? [previous] : [];
    }
    // Reports a problem the send-it handler must survive. Node treats an `error` event with no
    // listener as a throw, and index.ts re-promotes this one onto the PgBoss instance, so a plain
    // emit() here could escape the handler, fail the send-it job and replay the whole batch, sending
    // every occurrence in it a second time.
    reportSendItError(err) {
        try {
            this.emit(this.events.error, err);
        }
        catch {
            // nothing left to report it to
        }
    }
    async onSendIt(jobs) {
        // async so a malformed payload rejects its own settlement rather than throwing synchronously
        // out of map() and taking the whole batch with it
        const results = await Promise.allSettled(jobs.map(async ({ data }) => {
            // key and slot are the pass's own bookkeeping, read below rather than sent: send() takes the
            // request the schedule row described and nothing else.
            const { key, slot, ...request } = data;
            // A row written before 12.37.0 may still carry `db` from schedule(); it is never a send option here.
            const { db, ...options } = request.options ?? {};
            return await this.manager.send({ ...request, options });
        }));
        // Keyed on (name, key) so a batch holding more than one occurrence of the same schedule
        // resolves to its latest. Feeding several to the UPDATE would let postgres pick any of the
        // source rows, and last_job_id could end up naming an older job. A batch holds more than one
        // whenever it spans two minute buckets, and a pass catching a schedule up puts two in at once,
        // the missed occurrence and the one due now, which the fetch hands over in no particular order:
        // the slot each occurrence was filed in is what orders them here.
        const fired = new Map();
        // Surface any failed forward so a lost cron tick isn't silent
        for (const [index, result] of results.entries()) {
            if (result.status === 'rejected') {
                this.reportSendItError(result.reason);
                continue;
            }
            const { name, key, slot } = jobs[index].data;
            // send() resolves null when a throttle or queue policy dropped the job, so there is nothing
            // to point last_job_id at. `key` is absent on a payload written by an older instance.
            if (result.value === null || key === undefined) {
                continue;
            }
            const id = JSON.stringify([name, key]);
            // A cron occurrence in the due window written by an older instance names no slot, since that
            // insert filed it from its own clock. That slot is the one the pass was running in, which is
            // later than every slot a catch-up occurrence can name, so the current one stands in for it.
            const filed = slot ?? throttleSlot(new Date(this.databaseTime));
            const latest = fired.get(id);
            if (latest === undefined || latest.slot <= filed) {
                fired.set(id, { record: { name, key, jobId: result.value }, slot: filed });
            }
        }
        if (fired.size > 0) {
            await this.setLastJobIds([...fired.values()].map(({ record }) => record));
        }
    }
    // Best effort: the schedule fired and the job exists, so failing to annotate the schedule row
    // must not fail the send-it job and replay the occurrence. Reported through `error` instead.
    async setLastJobIds(fired) {
        try {
            const sql = plans.setScheduleLastJobIds(this.config.schema);
            await this.db.executeSql(sql, [JSON.stringify(fired)]);
        }
        catch (err) {
            // Named, because a bare driver error here is indistinguishable from the forwarding failures
            // emitted above, and the two call for different responses: this one leaves the jobs created
            // and only the bookkeeping behind.
            const schedules = fired.map(({ name, key }) => `"${name}" (key "${key}")`).join(', ');
            const message = `Warning: schedules fired but their last job id could not be recorded for ${schedules}: ${err.message}`;
            this.reportSendItError(new Error(message, { cause: err }));
        }
    }
    // Every schedule unless `limit` is passed: the public getSchedules() passes its limit and `after`,
    // and the cron pass reads them all. A name and key read one row by the primary key, so it needs
    // neither.
    async getSchedules(name, key, limit, after) {
        const limited = limit !== undefined;
        const paging = [...(after ? [after.name, after.key] : []), ...(limited ? [limit] : [])];
        let sql = plans.getSchedules(this.config.schema, limited, !!after);
        let params = paging;
        if (name && key !== undefined) {
            sql = plans.getSchedulesByQueueAndKey(this.config.schema);
            params = [name, key];
        }
        else if (name) {
            sql = plans.getSchedulesByQueue(this.config.schema, limited, !!after);
            params = [name, ...paging];
        }
        const { rows } = await this.db.executeSql(sql, params);
        return rows;
    }
    async getSchedule(name, key = '') {
        // Only that a name is present, and only because getSchedules() reads a falsy one as "every
        // schedule" and would hand back an arbitrary row as though it belonged to this key. Neither the
        // name nor the key is checked against the rules schedule() enforces on the way in: a value
        // those rules reject cannot have a row either, so `null` is the honest answer, and this stays a
        // drop-in for the `const [schedule] = await getSchedules(name, key)` it replaces rather than
        // throwing where that returns nothing.
        assert(name, 'Name is required');
        assert(typeof name === 'string', 'Name must be a string');
        const [schedule] = await this.getSchedules(name, key);
        return schedule ?? null;
    }
    /**
     * A walk of an expression's occurrences after `from`, one call at a time, answering null once a
     * finite rule has run out.
     *
     * Validating is part of it, since neither format can be walked without being parsed: cron-parser
     * carries its own cursor from the reference date it was built with, and a rule is asked for the
     * occurrence after the last one handed back.
     */
    occurrenceWalker(expression, tz, from) {
        assertExpression(expression);
        if (isRrule(expression)) {
            assertRrule(expression, tz);
            return rruleWalker(expression, tz, from);
        }
        const interval = parseRecurrence(expression, tz, from);
        return () => interval.next().toDate();
    }
    /**
     * The occurrences an expression produces, in either format, computed in process without touching
     * the database or the schedule table.
     *
     * `from` defaults to database time: this instance's clock plus the skew cached against the
     * database, the same reading the cron pass evaluates against, so a preview taken from an instance
     * that runs schedules lines up with what that instance will send. Skew is cached by the
     * timekeeper, which start() only runs when the instance was configured with scheduling enabled,
     * so anywhere else (a never-started instance, or the proxy, which defaults `schedule` to false)
     * it is zero and the default is this process's plain local clock. Pass `from` to be certain.
     *
     * Occurrences are strictly after `from`, so paging is a matter of passing the last one back in.
     *
     * The result describes the expression, not the delivery. The cron pass runs every
     * `cronMonitorIntervalSeconds` and matches an occurrence within the preceding 60 seconds, so a
     * job lands at or shortly after each listed time.
     */
    previewSchedule(cron, options = {}) {
        const { count = PREVIEW_DEFAULT_COUNT } = options;
        // Falsy is UTC here for the reason it is in schedule(), and for one more: the documented recipe
        // for previewing a stored schedule passes `schedule.timezone` straight in, and that column is
        // nullable, so a row written before schedule() validated zones would otherwise throw on the
        // read path rather than preview the zone the pass evaluates it in.
        const tz = options.tz || 'UTC';
        const from = options.from ?? new Date(this.databaseTime);
        assert(from instanceof Date && !Number.isNaN(from.getTime()), 'from must be a valid Date');
        // The expression before the count, so an out-of-range count cannot mask an expression that
        // could never be stored. `from` has to precede both: the walk reads it.
        const next = this.occurrenceWalker(cron, tz, from);
        assert(Number.isInteger(count) && count >= 1 && count <= PREVIEW_MAX_COUNT, `count must be an integer between 1 and ${PREVIEW_MAX_COUNT}`);
        const deadline = Date.now() + PREVIEW_TIME_BUDGET_MS;
        const occurrences = [];
        while (occurrences.length < count) {
            const occurrence = next();
            // A finite rule runs out, and a list shorter than `count` is the honest answer for one that
            // has. schedule() is where a rule with nothing left to send is refused instead.
            if (occurrence === null) {
                break;
            }
            occurrences.push(occurrence);
            if (occurrences.length < count && Date.now() > deadline) {
                throw new Error(`Gave up after ${PREVIEW_TIME_BUDGET_MS}ms with ${occurrences.length} of ${count} occurrences of "${cron}". Ask for fewer and page with \`from\`.`);
            }
        }
        return occurrences;
    }
    async schedule(name, cron, data, options = {}) {
        // `db` is how this call runs, not part of the schedule: it comes out first so the options blob
        // stored on the row, and later handed to send() by the cron pass, never carries a connection.
        const { db, ...persisted } = options;
        // `missed` comes out with tz and key: it tells the pass what to do about a gap and is no more a
        // send option than they are, so the send-option check below is not handed it.
        const { tz: requestedTz, key = '', missed, ...rest } = persisted;
        // Any falsy zone is "none specified", not a zone to be judged: a destructuring default only
        // covers `undefined`, and a value threaded out of a config object or read back off the nullable
        // timezone column arrives as null. Coalescing it here is what keeps the two engines from
        // disagreeing about what it meant, since cron-parser reads a non-string zone as unset and
        // evaluates in the host's local zone while rrule-temporal refuses it outright. A truthy zone
        // the parser rejects still throws.
        const tz = requestedTz || 'UTC';
        // The one place the format of an expression is decided. Every reader takes it from the stored
        // kind instead, so a schedule cannot be validated as one format and later evaluated as the
        // other, and a row can say what it is without anyone parsing it.
        const kind = isRrule(cron) ? plans.SCHEDULE_KINDS.rrule : plans.SCHEDULE_KINDS.cron;
        assertRecurrence(cron, tz, new Date(this.config.clock.now()));
        // A rule, unlike a cron expression, can have nothing left to send, which is the one failure a
        // caller cannot see: the row sits in the table, every pass evaluates it, and no job is ever
        // sent. Judged from the database's clock, since that is the one the pass reads, so a rule
        // expiring inside the skew window is judged the way it will be evaluated. previewSchedule()
        // makes no such demand, since an empty list is the honest answer for a rule that has finished.
        if (kind === plans.SCHEDULE_KINDS.rrule) {
            assertRruleSends(cron, tz, new Date(this.databaseTime));
        }
        Attorney.checkSendArgs([name, data, { ...rest }]);
        Attorney.assertKey(key);
        assertMissedPolicy(missed);
        try {
            const sql = plans.schedule(this.config.schema);
            await (db || this.db).executeSql(sql, [name, key, kind, cron, tz, data, persisted]);
        }
        catch (err) {
            if (err.message.includes('foreign key')) {
                err.message = `Queue ${name} not found`;
            }
            throw err;
        }
    }
    async unschedule(name, key = '', options = {}) {
        const sql = plans.unschedule(this.config.schema);
        await (options.db || this.db).executeSql(sql, [name, key]);
    }
}
export default Timekeeper;
