/**
 * BENCHMARK ONLY. The gateway process of apps/gateway/main.ts with device
 * authentication switched off: every intake request is taken as a caller
 * paired with every patient for every kind (allowAllForBenchmark), so the
 * ingest benchmark (bench/ingest.ts) can measure what authentication costs
 * against the path without it, in the same run.
 *
 *   node --import tsx bench/baseline-gateway.ts [the gateway's own options]
 *
 * It must never serve real devices: nothing outside bench/ imports it (the
 * dependency rules forbid apps/ to import bench/), no `npm start`, script,
 * flag, environment variable or configuration file selects it; the only way
 * to it is to run this file by its path. Everything else (edge, pairing
 * routes, validation, outbox, delivery) is the production gateway's.
 */
import { allowAllForBenchmark } from '../apps/gateway/auth/authenticate.ts';
import { runGatewayProcess } from '../apps/gateway/main.ts';

console.error('baseline-gateway: BENCHMARK ONLY, device authentication is OFF');
runGatewayProcess({ authenticate: allowAllForBenchmark });
