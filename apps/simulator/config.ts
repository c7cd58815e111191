/** The simulator's options, declared once (apps/shared/config.ts). */
import { DATA_DIR, httpUrl, oneOf, option, positive, switchOption } from '../shared/config.ts';

export const SIMULATOR_OPTIONS = {
  gateway: option({ flag: 'gateway', env: 'HELSEVEV_GATEWAY_URL', default: 'http://localhost:3001/', parse: httpUrl, description: 'the gateway to send to' }),
  dataDir: { ...DATA_DIR, description: 'the data folder npm start paired the demo devices in (devices.json: their credentials)' },
  devices: option({ flag: 'devices', default: '10', parse: positive, description: 'how many devices; more than the paired ones reuse their credentials round-robin' }),
  patients: option({ flag: 'patients', default: '3', parse: positive, description: 'spread over the paired devices of the first N patients in devices.json' }),
  rate: option({ flag: 'rate', default: '10', parse: positive, description: 'readings per second, in total' }),
  duration: option({ flag: 'duration', default: '30', parse: positive, description: 'for how many seconds' }),
  format: option({ flag: 'format', default: 'json', parse: oneOf(['json', 'fhir'] as const), description: 'send readings as our JSON or as FHIR Observations' }),
  seed: option({ flag: 'seed', default: '1', parse: positive, description: 'the seed of the devices\' random values' }),
  noWait: switchOption({ flag: 'no-wait', description: 'do not wait until the gateway has delivered everything' }),
} as const;
