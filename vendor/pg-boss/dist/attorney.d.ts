import type * as types from './types.ts';
declare const POLICY: {
    MAX_EXPIRATION_HOURS: number;
    MIN_POLLING_INTERVAL_MS: number;
    MAX_RETENTION_DAYS: number;
};
declare const COMPATIBILITY_FLAGS: readonly ["noSkipLocked", "noMultiMutationCte", "noTablePartitioning", "noDeferrableConstraints", "noAdvisoryLocks", "noCoveringIndexes", "noAddColumnBackfill", "noListenNotify", "noIndexProgressView", "noReindex", "noMonitorVacuum", "noTransactionalHeartbeat", "inlineTableIndexes"];
declare function validateQueueArgs(config?: any): void;
declare function pinZonelessDateTime(value: string): string;
declare function checkSendArgs(args: any): types.Request;
declare function checkUpdateArgs(args: any, { upsert }?: {
    upsert?: boolean | undefined;
}): types.Request;
declare function validateGroupConfig(config: any): void;
declare function validateFlowJobs(jobs: types.FlowJob[]): void;
declare function checkWorkArgs(name: string, args: any[]): {
    options: types.ResolvedWorkOptions;
    callback: types.WorkHandler<any>;
};
declare function checkFetchArgs(name: string, options: any): void;
declare function getConfig(value: string | types.ConstructorOptions): types.ResolvedConstructorOptions;
declare function assertPostgresObjectName(name: string): void;
declare function assertListLimit(method: string, limit?: number): number;
declare function assertListAfter(method: string, after: unknown, id?: boolean): void;
declare function assertListAfterRow(method: string, after: unknown, fields: [string, string], id?: string): void;
declare function assertQueueName(name: string): void;
declare function assertKey(key: string): void;
export { assertKey, assertListAfter, assertListAfterRow, assertListLimit, COMPATIBILITY_FLAGS, assertPostgresObjectName, assertQueueName, checkFetchArgs, checkSendArgs, checkUpdateArgs, checkWorkArgs, getConfig, pinZonelessDateTime, POLICY, validateFlowJobs, validateGroupConfig, validateQueueArgs };
//# sourceMappingURL=attorney.d.ts.map