/**
 * An append-only file of JSON lines with group commit: the durable half of
 * the gateway's outbox. `append` resolves only once its line is on disk
 * (write + fdatasync), and every caller waiting at the same time shares one
 * fdatasync, so a burst of requests costs one disk flush, not one each.
 *
 * Crash safety, by construction:
 * - one record is one line, written whole or not at all as far as readers are
 *   concerned: on recovery a last line without its newline (a write torn by a
 *   crash or power loss) is dropped and cut off the file, and a line that does
 *   not parse is skipped and counted, never guessed at;
 * - a record whose `append` has resolved was followed by fdatasync, so it
 *   survives a crash of the process (SIGKILL) and of the machine;
 * - writes are positional, at the end of what is known to be good: a failed
 *   write is cut off again (ftruncate) before anything else is written, so a
 *   half-written line can never swallow the records after it;
 * - `rewrite` (compaction) writes a new file, fsyncs it, renames it over the
 *   old one and fsyncs the directory: a crash leaves the old or the new file.
 *
 * It knows nothing about readings; apps/gateway/outbox/outbox.ts gives the
 * records their meaning.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LatencyWindow } from '../metrics.ts';

export interface Recovery {
  /** Complete records read. */
  readonly records: number;
  /** Complete lines that were not JSON (corruption; skipped). */
  readonly skippedLines: number;
  /** Bytes of a torn last line that were cut off. */
  readonly tornBytes: number;
}

interface Waiter {
  readonly line: string;
  resolve(): void;
  reject(error: Error): void;
}

interface RewriteRequest {
  readonly produce: () => Iterable<unknown>;
  resolve(): void;
  reject(error: Error): void;
}

const NEWLINE = 0x0a;
const READ_CHUNK = 1 << 20;

export class LogWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LogWriteError';
  }
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Opens the file for positional writes, creating it (and making its name durable) if needed. */
async function openForWriting(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const created = await open(path, 'wx+', 0o600);
    await created.sync();
    await syncDirectory(path);
    return created;
  }
}

/**
 * Reads every complete line, calls `onRecord` for each that parses, and
 * returns the offset just after the last complete line.
 */
async function readRecords(handle: FileHandle, onRecord: (record: unknown) => void): Promise<Recovery & { goodEnd: number }> {
  let records = 0;
  let skippedLines = 0;
  let position = 0;
  let goodEnd = 0;
  let carry: Buffer = Buffer.alloc(0);
  const chunk = Buffer.alloc(READ_CHUNK);
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, READ_CHUNK, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
      const line = data.toString('utf8', start, nl);
      goodEnd += nl - start + 1;
      start = nl + 1;
      if (line.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        skippedLines += 1;
        continue;
      }
      records += 1;
      onRecord(record);
    }
    // Copy the rest: `chunk` is reused by the next read.
    carry = Buffer.from(data.subarray(start));
  }
  return { records, skippedLines, tornBytes: carry.length, goodEnd };
}

export class JsonLinesLog {
  /** Write + fdatasync durations of the last flushes. */
  readonly flushTimes = new LatencyWindow();
  /** Records written by flushes since start (over flushTimes.count: records per flush). */
  flushedRecords = 0;
  private queue: Waiter[] = [];
  private rewriteRequest: RewriteRequest | undefined;
  private running: Promise<void> | undefined;
  private broken: Error | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private size: number,
  ) {}

  /**
   * Opens (or creates) the log, feeds every intact record to `onRecord` in
   * order, cuts off a torn last line, and returns the log ready for appends.
   */
  static async open(path: string, onRecord: (record: unknown) => void): Promise<{ log: JsonLinesLog; recovery: Recovery }> {
    // A compaction that crashed before its rename leaves a temporary file: the old log is still whole.
    await rm(`${path}.compacting`, { force: true });
    const handle = await openForWriting(path);
    try {
      const { goodEnd, ...recovery } = await readRecords(handle, onRecord);
      if (recovery.tornBytes > 0) {
        await handle.truncate(goodEnd);
        await handle.datasync();
      }
      return { log: new JsonLinesLog(path, handle, goodEnd), recovery };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Bytes of complete records in the file. */
  get bytes(): number {
    return this.size;
  }

  /** Appends one record; resolves once it is on disk (shares the flush with concurrent appends). */
  append(record: unknown): Promise<void> {
    return this.appendLine(`${JSON.stringify(record)}\n`);
  }

  /**
   * Replaces the whole file with the records `produce` returns. `produce` is
   * called when no append is being written, after the callers of resolved
   * appends have run, and must return everything still needed: what was
   * appended before is gone afterwards. Appends still queued wait and land in
   * the new file.
   */
  rewrite(produce: () => Iterable<unknown>): Promise<void> {
    if (this.rewriteRequest) return Promise.reject(new LogWriteError('a rewrite of the log is already waiting'));
    return new Promise((resolve, reject) => {
      this.rewriteRequest = { produce, resolve, reject };
      this.kick();
    });
  }

  /** Waits for queued writes, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    await this.handle.close();
  }

  private appendLine(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new LogWriteError('the outbox log is closed'));
    if (this.broken) return Promise.reject(new LogWriteError(`the outbox log cannot be written: ${this.broken.message}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0 || this.rewriteRequest) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 || this.rewriteRequest) {
      const rewrite = this.rewriteRequest;
      if (rewrite) {
        this.rewriteRequest = undefined;
        try {
          // Let the callers of appends that just resolved update their state first:
          // `produce` must see every record already written to the old file.
          await new Promise((resolve) => setImmediate(resolve));
          await this.replaceFile(rewrite.produce());
          rewrite.resolve();
        } catch (error) {
          rewrite.reject(new LogWriteError(`compacting the outbox log failed: ${(error as Error).message}`, { cause: error }));
        }
        continue;
      }
      const batch = this.queue.splice(0, this.queue.length);
      const buffer = Buffer.from(batch.map((w) => w.line).join(''), 'utf8');
      const started = performance.now();
      try {
        if (this.broken) throw this.broken;
        await this.writeAt(this.handle, buffer, this.size);
        await this.handle.datasync();
        this.size += buffer.length;
        this.flushTimes.record(performance.now() - started);
        this.flushedRecords += batch.length;
        for (const w of batch) w.resolve();
      } catch (error) {
        await this.cutBack();
        const failure = new LogWriteError(`could not write the outbox log: ${(error as Error).message}`, { cause: error });
        for (const w of batch) w.reject(failure);
      }
    }
  }

  /** After a failed write: cut the file back to its last good record, or stop accepting writes. */
  private async cutBack(): Promise<void> {
    try {
      await this.handle.truncate(this.size);
    } catch (error) {
      this.broken = error as Error;
    }
  }

  private async writeAt(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
    let written = 0;
    while (written < buffer.length) {
      const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, position + written);
      written += bytesWritten;
    }
  }

  private async replaceFile(records: Iterable<unknown>): Promise<void> {
    const temporary = join(dirname(this.path), `${basename(this.path)}.compacting`);
    const next = await open(temporary, 'w+', 0o600);
    let size = 0;
    try {
      let lines: string[] = [];
      const flush = async () => {
        const buffer = Buffer.from(lines.join(''), 'utf8');
        await this.writeAt(next, buffer, size);
        size += buffer.length;
        lines = [];
      };
      for (const record of records) {
        lines.push(`${JSON.stringify(record)}\n`);
        if (lines.length >= 1000) await flush();
      }
      await flush();
      await next.sync();
    } catch (error) {
      await next.close().catch(() => {});
      await rm(temporary, { force: true });
      throw error;
    }
    await rename(temporary, this.path);
    await syncDirectory(this.path);
    const previous = this.handle;
    this.handle = next;
    this.size = size;
    this.broken = undefined;
    await previous.close().catch(() => {});
  }
}
