/**
 * The alert service for one team: watches the topics of each series
 * (patient x kind with thresholds) through Solid Notifications, catches a
 * series up whenever its pod says it changed and whenever a subscription is
 * (re)established, checks for missing measurements on a timer, and saves the
 * checkpoint after each series' writes. One series at a time, in one loop,
 * so the checkpoint has one writer.
 *
 * It never polls the pods: without a notification, a reconnect or a start it
 * reads nothing. It never reads a series whose topic the pod server refused
 * (the patient has not granted the team that kind).
 */
import { categoryContainer, osloMonth } from '../shared/measurement/index.ts';
import { pruneDocuments, readCheckpoint, seriesKey, writeCheckpoint, type Checkpoint } from './checkpoint.ts';
import { decideMissing } from './decide.ts';
import { catchUpSeries } from './series.ts';
import { readTeam, type Series, type TeamSetup } from './team.ts';
import { TopicWatcher } from './watch.ts';
import { applyAction } from './worklist.ts';

const MISSING = '#missing';
const DAY = 86_400_000;

export interface TeamRunnerOptions {
  readonly fetch: typeof globalThis.fetch;
  readonly orgPod: string;
  readonly team: string;
  readonly dataDir: string;
  readonly lookBackDays: number;
  readonly missingCheckMs: number;
  readonly log: (line: string) => void;
  readonly verbose: boolean;
}

const storageOf = (webId: string) => new URL('../', webId).href;

export class TeamRunner {
  setup!: TeamSetup;
  private checkpoint!: Checkpoint;
  private readonly watcher: TopicWatcher;
  private readonly dirty = new Set<string>();
  private readonly granted = new Set<string>();
  private readonly refusedLogged = new Set<string>();
  private readonly retrying = new Map<string, NodeJS.Timeout>();
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Tasks written since start (created, existed, added, raised). */
  writes = 0;

  constructor(private readonly o: TeamRunnerOptions) {
    this.watcher = new TopicWatcher(o.fetch, o.log);
  }

  async start(): Promise<void> {
    const { o } = this;
    this.setup = await readTeam(o.fetch, o.orgPod, o.team);
    for (const warning of this.setup.warnings) o.log(`alerts: ${warning}`);
    this.checkpoint = await readCheckpoint(o.dataDir, o.team, this.setup.group, new Date(Date.now() - o.lookBackDays * DAY));
    const reload = { onChange: () => void this.reload(), onOpen: () => {}, onRefused: () => {} };
    await this.watcher.watch(this.setup.listUrl, reload);
    await this.watcher.watch(this.setup.thresholdsUrl, reload);
    await this.reconcile();
    this.mark(MISSING);
    await this.idle();
    this.timer = setInterval(() => {
      void this.reconcile().then(() => this.mark(MISSING));
    }, o.missingCheckMs);
  }

  /** Resolves when nothing is waiting to be processed. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private async reload(): Promise<void> {
    try {
      this.setup = await readTeam(this.o.fetch, this.o.orgPod, this.o.team);
      for (const warning of this.setup.warnings) this.o.log(`alerts: ${warning}`);
      await this.reconcile();
    } catch (error) {
      this.o.log(`alerts: could not reload ${this.o.team}: ${(error as Error).message}`);
    }
  }

  /** Watches the container and the current month's document of every series. */
  private async reconcile(): Promise<void> {
    await Promise.all(this.setup.series.map(async (series) => {
      const key = seriesKey(series.patient, series.kind);
      const container = categoryContainer(storageOf(series.patient), series.kind);
      const month = `${container}${osloMonth(new Date())}.ttl`;
      const onChange = () => {
        this.mark(key);
        if (!this.watcher.has(month)) void this.watchMonth(key, month);
      };
      await this.watcher.watch(container, {
        onChange,
        onOpen: () => {
          this.granted.add(key);
          this.refusedLogged.delete(key);
          this.mark(key);
        },
        onRefused: (status) => {
          this.granted.delete(key);
          if (!this.refusedLogged.has(key)) {
            this.refusedLogged.add(key);
            this.o.log(`alerts: ${series.patient} has not granted ${this.o.team} ${series.kind} (${status}): nothing read, no alerts`);
          }
        },
      });
      if (this.granted.has(key)) await this.watchMonth(key, month);
    }));
  }

  private watchMonth(key: string, month: string): Promise<void> {
    return this.watcher.watch(month, { onChange: () => this.mark(key), onOpen: () => this.mark(key), onRefused: () => {} });
  }

  private mark(key: string): void {
    if (this.stopped) return;
    this.dirty.add(key);
    this.kick();
  }

  private kick(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.drain().finally(() => {
      this.loop = undefined;
      if (this.dirty.size > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (let key = this.dirty.values().next().value; key !== undefined && !this.stopped; key = this.dirty.values().next().value) {
      this.dirty.delete(key);
      try {
        if (key === MISSING) await this.checkMissing();
        else await this.catchUp(key);
      } catch (error) {
        this.o.log(`alerts: ${key === MISSING ? 'missing-measurement check' : key} failed, trying again shortly: ${(error as Error).message}`);
        this.retrying.set(key, setTimeout(() => {
          this.retrying.delete(key);
          this.mark(key);
        }, 2000));
      }
    }
  }

  private async catchUp(key: string): Promise<void> {
    const series = this.setup.series.find((s) => seriesKey(s.patient, s.kind) === key);
    if (!series || !this.granted.has(key)) return;
    const now = new Date();
    const outcome = await catchUpSeries(this.o.fetch, this.setup, series, this.checkpoint, now);
    if (outcome.status === 'not-granted') {
      this.granted.delete(key);
      return;
    }
    this.writes += outcome.writes.length;
    if (this.o.verbose) for (const line of outcome.writes) this.o.log(`alerts: ${line} (${series.kind} of ${series.patient})`);
    const keepFrom = osloMonth(new Date(now.getTime() - 62 * DAY));
    if (outcome.readings > 0 || JSON.stringify(outcome.checkpoint.documents) !== JSON.stringify(this.checkpoint.documents)) {
      const next = pruneDocuments(outcome.checkpoint, keepFrom);
      await writeCheckpoint(this.o.dataDir, this.o.team, next);
      this.checkpoint = next;
    }
  }

  private async checkMissing(): Promise<void> {
    const now = new Date();
    for (const series of this.setup.series as Series[]) {
      const key = seriesKey(series.patient, series.kind);
      // Only series that are granted and fully caught up: an unread reading is not a missing one.
      if (!this.granted.has(key) || this.dirty.has(key) || this.retrying.has(key)) continue;
      const last = this.checkpoint.series[key]?.lastReadingAt ?? this.checkpoint.watchingSince;
      const action = decideMissing({ patient: series.patient, kind: series.kind, last }, { team: this.setup.group, rules: this.setup.rules, now });
      if (!action) continue;
      const done = await applyAction(this.o.fetch, this.setup.worklist, action);
      if (done === 'created') {
        this.writes += 1;
        if (this.o.verbose) this.o.log(`alerts: created ${action.taskId} (no ${series.kind} from ${series.patient} since ${last})`);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const timer of this.retrying.values()) clearTimeout(timer);
    this.watcher.stop();
    await this.idle();
  }
}
