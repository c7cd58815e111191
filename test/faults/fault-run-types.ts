/**
 * What a fault run is told (FaultRunConfig) and what it reports
 * (FaultRunSummary, also written as JSON to test/reports/faults-*.json);
 * the run itself is fault-run.ts.
 */

export interface FaultRunConfig {
  readonly name: string;
  readonly patients: number;
  readonly devices: number;
  /** How long the devices stream, ms. */
  readonly streamMs: number;
  /** Pause between one sender's requests, ms. */
  readonly intervalMs: number;
  /** When (fraction of streamMs) the gateway is SIGKILLed and restarted. */
  readonly gatewayKillsAt: readonly number[];
  /** When (fraction of streamMs) the pod server is restarted. */
  readonly podRestartsAt: readonly number[];
  /** Also SIGKILL the gateway 3 s into each pod server outage (a backlog it cannot deliver). */
  readonly killGatewayDuringPodOutage?: boolean;
  /** How the pod server is stopped for the restart: SIGKILL (a crash), or SIGTERM (a clean stop). */
  readonly podStopSignal: 'SIGKILL' | 'SIGTERM';
  /**
   * The gateway compacts its outbox log once it is this large (and mostly
   * settled); far below the 8 MiB default, so compactions happen under load,
   * between the kills.
   */
  readonly outboxCompactAtBytes?: number;
  /** Longest wait for the gateway to deliver everything after the stream, ms. */
  readonly drainTimeoutMs: number;
  readonly seed?: number;
  /** Where to write the JSON summary (e.g. test/reports/faults-full.json). */
  readonly reportPath?: string;
  readonly log?: (line: string) => void;
}


export interface FaultRunSummary {
  readonly name: string;
  readonly config: Omit<FaultRunConfig, 'log' | 'reportPath'>;
  readonly startedAt: string;
  readonly patients: number;
  readonly devices: number;
  readonly requests: { sent: number; acknowledged: number; json: number; fhir: number; retried: number; rejected: number };
  readonly readings: {
    generated: number;
    acknowledged: number;
    /** Acknowledged readings whose first answer already said "duplicate": an earlier attempt was stored but its answer lost. */
    acknowledgedAfterLostAnswer: number;
    bloodPressure: number;
    inPods: number;
    lost: number;
    duplicated: number;
    /** In the pods but never acknowledged (accepted before a kill, answer lost, never sent again). */
    unacknowledgedInPods: number;
    /** In the pods, never sent by any device: must be 0. */
    foreign: number;
    wrongValue: number;
    unreadable: number;
  };
  readonly documents: { monthDocuments: number; read: number };
  readonly gateway: {
    kills: number; killsWhilePodServerDown: number; recoveredFromOutbox: number[]; restartMs: number[]; refused: number; failed: number;
    /** Outbox compactions (log rewrites) the gateway processes reported. */
    outboxCompactions: number;
    tornBytesCut: number;
  };
  readonly podServer: { restarts: number; restartMs: number[] };
  readonly phasesMs: Record<string, number>;
  readonly throughput: { acknowledgedPerSecond: number; deliveredPerSecond: number; ackMs: { p50: number; p99: number; max: number } };
  readonly examples: { lost: string[]; duplicated: string[]; wrongValue: string[]; unreadable: string[]; rejected: string[] };
}
