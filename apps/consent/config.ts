/**
 * The consent page's options, declared once (apps/shared/config.ts). It runs
 * inside `npm start` (apps/start.ts reads this table), on its own port.
 */
import { httpUrl, option, optional, port } from '../shared/config.ts';
import { DEFAULT_CONSENT_PORT } from './server.ts';

export const CONSENT_OPTIONS = {
  port: option({
    flag: 'port', env: 'HELSEVEV_CONSENT_PORT', default: String(DEFAULT_CONSENT_PORT), parse: port(),
    description: 'the consent page\'s port (npm start: http://localhost:PORT/)',
  }),
  gatewayUrl: optional({
    flag: 'gateway-url', env: 'HELSEVEV_CONSENT_GATEWAY_URL', parse: httpUrl, defaultText: 'http://localhost:3001/ (npm start: its gateway\'s port)',
    description: 'the gateway the page pairs devices with ("My devices"; the only other origin in its connect-src), as browsers reach it',
  }),
} as const;
