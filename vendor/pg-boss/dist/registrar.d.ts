import EventEmitter from 'node:events';
import type Manager from './manager.ts';
import * as types from './types.ts';
declare class Registrar extends EventEmitter implements types.EventsMixin {
    #private;
    readonly id: string;
    events: {
        error: string;
    };
    constructor(id: string, db: types.IDatabase, manager: Manager, config: types.ResolvedConstructorOptions);
    start(startAttempt?: number): Promise<void>;
    stop(): Promise<void>;
    getInstances(limit: number, after?: string): Promise<types.Instance[]>;
}
export default Registrar;
//# sourceMappingURL=registrar.d.ts.map