/** One lifecycle for long-running work (docs/operations.md): kinds, the one status writer, heartbeats, the one sweeper. */
export { defineOperationKind, isFinal, resumableStates, type OperationKind, type OperationsDb, type TransitionAudit } from './operation-kind.ts';
export { transition, transitionMany, transitionOnClient, type OperationRef, type TransitionChange } from './transition.ts';
export { HEARTBEAT_MS, isOperationLeft, keepAlive, type KeepAlive, OperationLeft } from './heartbeat.ts';
export { findSilentOperations, type OperationUpkeep, operationsSweepJob, RETIRED_SWEEP_JOBS, type SilentOperation, sweepOperations, type SweepReport, WAITING_SILENT_MS, WORKING_SILENT_MS } from './sweeper.ts';
