/** CPU seconds a process has used so far (Linux /proc; 0 elsewhere): what the benchmarks charge to the pod server and the gateway. */
import { readFile } from 'node:fs/promises';

export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
