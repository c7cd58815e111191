/**
 * The device gateway as a real child process (apps/gateway/main.ts under
 * tsx), for integration tests and the benchmark: it can be SIGKILLed and
 * started again on the same data folder. Also a small client for its API.
 * (Owned by the gateway; test-world.ts is the pod server's harness.)
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPodServer, type PodServer } from '../../pod-server/start.ts';
import type { TestWorld } from './test-world.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface GatewayProcess {
  readonly url: string;
  readonly pid: number;
  /** Every line the gateway printed. */
  readonly output: string[];
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface GatewayProcessOptions {
  dataDir: string;
  podBaseUrl: string;
  port: number;
  /** Extra CLI flags, e.g. ['--coalesce-ms', '1000']. */
  args?: string[];
  /** Extra Node flags, e.g. ['--cpu-prof']. */
  nodeArgs?: string[];
  /** The script to run, relative to the repository; default apps/gateway/main.ts (the benchmark's baseline: bench/baseline-gateway.ts). */
  entry?: string;
  verbose?: boolean;
}

export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import', 'tsx', options.entry ?? 'apps/gateway/main.ts',
      '--port', String(options.port),
      '--data-dir', options.dataDir,
      '--pod-base-url', options.podBaseUrl,
      ...(options.args ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: process.env },
  );
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (options.verbose) console.log(`[gateway] ${line}`);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start within 30 s:\n${output.join('\n')}`)), 30_000);
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m.type === 'ready' && m.url) {
        clearTimeout(timer);
        resolve(m.url);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (code ${code}) before it was ready:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    output,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/**
 * Stops the world's pod server for `ms`, then starts a new one on the same
 * port and data folder (the harness's restart() starts it again at once).
 * The caller must stop the returned server before `world.stop()`.
 */
export async function stopPodServerFor(world: TestWorld, ms: number, during?: () => void): Promise<PodServer> {
  const { port, dataDir } = world.server;
  await world.server.stop();
  during?.();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return startPodServer({ port, dataDir, loggingLevel: 'error' });
}

export interface Acknowledgement {
  accepted: number;
  duplicates: number;
  readings: { id: string; state: string; duplicate: boolean; document: string }[];
}

/** POSTs a JSON body to the gateway (with a device's credential: `bearer(token)` of support/pairing.ts); returns status, content type and parsed body. */
export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: any; ms: number; headers: Headers }> {
  const started = performance.now();
  const response = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status, type: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined,
    ms: performance.now() - started, headers: response.headers,
  };
}

export async function gatewayStatus(baseUrl: string): Promise<{ readings: Record<string, number>; delivery: Record<string, unknown> }> {
  const response = await fetch(new URL('/status', baseUrl));
  return (await response.json()) as { readings: Record<string, number>; delivery: Record<string, unknown> };
}

/** Waits until the gateway has nothing pending or retrying. */
export async function waitForDelivery(baseUrl: string, timeoutMs: number, onProgress?: (s: Record<string, number>) => void): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { readings } = await gatewayStatus(baseUrl);
    onProgress?.(readings);
    if (readings.pending === 0 && readings.retrying === 0) return readings;
    if (Date.now() > deadline) throw new Error(`the gateway still had readings to deliver after ${timeoutMs / 1000} s: ${JSON.stringify(readings)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
