/**
 * What the services assume about the pod server when started without flags:
 * its local port, and the account the gateway writes as. The pod server's
 * start (pod-server/start.ts) and the demo world (pod-server/world/) use the
 * same values from here, so a service needs neither to know them: a service
 * never imports pod-server/ (docs/architecture.md, dependency rules).
 * Each service's own port stays with the service.
 */

/** The pod server's port on this machine (`npm start`): http://localhost:3000/. */
export const DEFAULT_POD_PORT = 3000;

/** The account whose WebID appends measurements to every patient's pod (the device vendor); the gateway's default `--account`. */
export const DEVICE_VENDOR = 'vendor';
