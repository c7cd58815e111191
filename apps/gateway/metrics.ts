/**
 * The last N durations of something (outbox flushes, acknowledgements), for
 * the status API: where acknowledgement time goes, seen from inside.
 */
export class LatencyWindow {
  private readonly values: number[] = [];
  private next = 0;
  /** Everything recorded since start. */
  count = 0;

  constructor(private readonly size = 1000) {}

  record(ms: number): void {
    this.count += 1;
    if (this.values.length < this.size) this.values.push(ms);
    else this.values[this.next] = ms;
    this.next = (this.next + 1) % this.size;
  }

  /** p50, p99 and max over the window, ms with one decimal. */
  summary(): { p50: number; p99: number; max: number } | undefined {
    if (this.values.length === 0) return undefined;
    const sorted = [...this.values].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
    const round = (x: number) => Math.round(x * 10) / 10;
    return { p50: round(at(50)), p99: round(at(99)), max: round(sorted.at(-1)!) };
  }
}
