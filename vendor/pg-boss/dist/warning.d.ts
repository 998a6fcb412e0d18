import type EventEmitter from 'node:events';
import type * as types from './types.ts';
export interface WarningContext {
    emitter: EventEmitter;
    db: types.IDatabase;
    schema: string;
    persistWarnings?: boolean;
    warningEvent: string;
    errorEvent: string;
}
/**
 * Emits a warning event and optionally persists it to the database.
 * This is a shared utility to avoid duplicating warning persistence logic
 * across boss.ts and timekeeper.ts.
 */
export declare function emitAndPersistWarning(ctx: WarningContext, type: string, message: string, data: object): Promise<void>;
/**
 * Writes a warning to the warning table without emitting it, for a caller that emits its events on
 * another cadence than it writes rows. A failed write is emitted as an error and never thrown.
 */
export declare function persistWarning(ctx: Pick<WarningContext, 'emitter' | 'db' | 'schema' | 'errorEvent'>, type: string, message: string, data: object): Promise<void>;
//# sourceMappingURL=warning.d.ts.map