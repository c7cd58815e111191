import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonLinesLog } from '../../../apps/gateway/outbox/log-file.ts';
import { tempDir } from './fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let path: string;
beforeEach(async () => {
  dir = await tempDir();
  path = join(dir.path, 'outbox.log');
});
afterEach(() => dir.remove());

async function reopen(): Promise<{ records: unknown[]; log: JsonLinesLog; recovery: Awaited<ReturnType<typeof JsonLinesLog.open>>['recovery'] }> {
  const records: unknown[] = [];
  const { log, recovery } = await JsonLinesLog.open(path, (r) => records.push(r));
  return { records, log, recovery };
}

describe('JsonLinesLog', () => {
  it('creates the file and reads back what was appended, in order', async () => {
    const { log } = await reopen();
    await Promise.all([1, 2, 3].map((n) => log.append({ n })));
    await log.close();
    const { records, recovery, log: again } = await reopen();
    expect(records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(recovery).toEqual({ records: 3, skippedLines: 0, tornBytes: 0 });
    await again.close();
  });

  it('shares one flush between appends made at the same time (group commit)', async () => {
    const { log } = await reopen();
    await log.append({ first: true });
    // 200 concurrent appends must not take 200 sequential fsyncs' worth of writes.
    const lines = Array.from({ length: 200 }, (_, i) => log.append({ i }));
    await Promise.all(lines);
    const text = await readFile(path, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(201);
    await log.close();
  });

  it('drops a torn last line, cuts it off the file, and appends cleanly after it', async () => {
    await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3,"partial":tr');
    const { records, recovery, log } = await reopen();
    expect(records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(recovery.tornBytes).toBe('{"n":3,"partial":tr'.length);
    expect((await stat(path)).size).toBe('{"n":1}\n{"n":2}\n'.length);
    await log.append({ n: 4 });
    await log.close();
    const again = await reopen();
    expect(again.records).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
    await again.log.close();
  });

  it('skips and counts a corrupt line in the middle without losing the records after it', async () => {
    await writeFile(path, '{"n":1}\n\u0000\u0000garbage\n{"n":3}\n');
    const { records, recovery, log } = await reopen();
    expect(records).toEqual([{ n: 1 }, { n: 3 }]);
    expect(recovery.skippedLines).toBe(1);
    await log.close();
  });

  it('reads logs larger than its read buffer, with lines across chunk borders', async () => {
    const big = 'x'.repeat(300_000);
    const lines = Array.from({ length: 8 }, (_, i) => JSON.stringify({ i, big })).join('\n');
    await writeFile(path, `${lines}\n`);
    const { records, log } = await reopen();
    expect(records.map((r) => (r as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await log.close();
  });

  it('rewrites (compacts) atomically, and appends made meanwhile land in the new file', async () => {
    const { log } = await reopen();
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append({ i })));
    const rewrite = log.rewrite(() => [{ kept: 1 }, { kept: 2 }]);
    const during = log.append({ after: 'queued' });
    await Promise.all([rewrite, during]);
    await log.append({ after: 'rewrite' });
    await log.close();
    const { records, log: again } = await reopen();
    expect(records).toContainEqual({ kept: 1 });
    expect(records).toContainEqual({ after: 'queued' });
    expect(records.at(-1)).toEqual({ after: 'rewrite' });
    expect(records).not.toContainEqual({ i: 0 });
    await again.close();
  });

  it('ignores a temporary file left by a compaction that crashed before its rename', async () => {
    await writeFile(path, '{"n":1}\n');
    await appendFile(`${path}.compacting`, '{"half":');
    const { records, log } = await reopen();
    expect(records).toEqual([{ n: 1 }]);
    await log.close();
    await expect(stat(`${path}.compacting`)).rejects.toThrow();
  });
});
