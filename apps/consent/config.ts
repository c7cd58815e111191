/**
 * The consent page's options, declared once (apps/shared/config.ts). It runs
 * inside `npm start` (apps/start.ts reads this table), on its own port.
 */
import { option, port } from '../shared/config.ts';
import { DEFAULT_CONSENT_PORT } from './server.ts';

export const CONSENT_OPTIONS = {
  port: option({
    flag: 'port', env: 'HELSEVEV_CONSENT_PORT', default: String(DEFAULT_CONSENT_PORT), parse: port(),
    description: 'the consent page\'s port (npm start: http://localhost:PORT/)',
  }),
} as const;
