/** CPU used by processes (Linux /proc; 0 elsewhere): what the benchmarks charge to the pod server and the gateway. */
import { readFile } from 'node:fs/promises';

export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU used by the pod server, the gateway and this process between `start()` and `stop()`. */
export function cpuMeter(pids: { css: number; gateway?: number }) {
  let start: { css: number; gateway: number; bench: NodeJS.CpuUsage } | undefined;
  return {
    async start() {
      start = { css: await cpuSeconds(pids.css), gateway: pids.gateway ? await cpuSeconds(pids.gateway) : 0, bench: process.cpuUsage() };
    },
    async stop(seconds: number) {
      const bench = process.cpuUsage(start!.bench);
      const share = (used: number) => Number((used / seconds).toFixed(2));
      return {
        pod: share((await cpuSeconds(pids.css)) - start!.css),
        gateway: share(pids.gateway ? (await cpuSeconds(pids.gateway)) - start!.gateway : 0),
        loadGenerator: share((bench.user + bench.system) / 1e6),
      };
    },
  };
}
