/**
 * The gateway's options, declared once (apps/shared/config.ts): its own
 * process (main.ts) reads them all; `npm start` reads its port from here.
 */
import { DATA_DIR, listOption, number, oneOf, option, optional, port, switchOption, text, httpUrl } from '../shared/config.ts';
import { DEVICE_VENDOR } from '../shared/defaults.ts';
import { SETTINGS, type Setting } from '../shared/measurement/index.ts';
import { checkClientId } from './auth/platforms.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { DEFAULT_COALESCE_MS } from './delivery.ts';
import { DEFAULT_CONSENT_URL, DEFAULT_GATEWAY_PORT, DEFAULT_VENDOR_NAME } from './gateway.ts';
import { parseOrigin, parsePublicHost } from './http/edge.ts';

const count = number(0);

export const GATEWAY_OPTIONS = {
  port: option({
    flag: 'port', env: 'HELSEVEV_GATEWAY_PORT', default: String(DEFAULT_GATEWAY_PORT), parse: port(),
    description: 'the gateway\'s port (0: any free one)',
  }),
  host: optional({
    flag: 'host', parse: text, defaultText: '127.0.0.1',
    description: 'the interface to listen on; any but loopback needs --behind-tls-proxy or --tls-cert and --tls-key',
  }),
  publicUrl: optional({
    flag: 'public-url', parse: (value) => (httpUrl(value).endsWith('/') ? value : `${value}/`), defaultText: 'the address it listens on',
    description: 'the gateway\'s URL as clients reach it (https://gateway.example.no/ behind a proxy): platforms\' assertions are addressed to its /token, patients\' DPoP proofs to it; its host is allowed',
  }),
  publicHost: listOption({
    flag: 'public-host', parse: parsePublicHost,
    description: 'a name clients reach the gateway by (gateway.example.no[:port]); requests naming any other host than these and localhost get 421',
  }),
  behindTlsProxy: switchOption({
    flag: 'behind-tls-proxy', description: 'a TLS-terminating proxy on this host forwards to the gateway: it may listen beyond loopback, and believes X-Forwarded-* from loopback',
  }),
  tlsCert: optional({ flag: 'tls-cert', parse: text, defaultText: '(plain HTTP)', description: 'a PEM certificate (chain) file: the gateway serves HTTPS itself (with --tls-key)' }),
  tlsKey: optional({ flag: 'tls-key', parse: text, defaultText: '(plain HTTP)', description: 'the PEM private key file of --tls-cert' }),
  consentOrigin: listOption({
    flag: 'consent-origin', parse: parseOrigin, defaultText: 'the origin of --consent-url',
    description: 'an origin of the consent page: the only ones browsers may call the gateway from (CORS)',
  }),
  dataDir: DATA_DIR,
  podBaseUrl: optional({
    flag: 'pod-base-url', parse: httpUrl, defaultText: 'the account\'s credentials\' issuer',
    description: 'the pod server the demo patients\' pods are on',
  }),
  consentUrl: option({
    flag: 'consent-url', env: 'HELSEVEV_CONSENT_URL', default: DEFAULT_CONSENT_URL, parse: httpUrl,
    description: 'the consent page, where patients enter the codes of devices asking to pair',
  }),
  vendorName: option({ flag: 'vendor-name', default: DEFAULT_VENDOR_NAME, parse: text, description: 'the vendor\'s name, shown to a patient asked to pair a device' }),
  account: option({
    flag: 'account', default: DEVICE_VENDOR, parse: text, description: 'whose client credentials (in {data-dir}/credentials.json) the gateway writes with',
  }),
  defaultSetting: option<Setting>({
    flag: 'default-setting', default: 'home-municipality', parse: oneOf((Object.keys(SETTINGS) as Setting[]).filter((setting) => setting !== 'patient-entered')),
    description: 'the setting of a reading that does not say where it was taken (not patient-entered: only a patient\'s own session writes that)',
  }),
  coalesceMs: option({ flag: 'coalesce-ms', default: String(DEFAULT_COALESCE_MS), parse: count, description: 'how long readings for one document wait to be written together, in ms' }),
  maxPerPatch: option({ flag: 'max-per-patch', default: '100', parse: count, description: 'most readings in one PATCH to a pod' }),
  maxInFlight: option({ flag: 'max-in-flight', default: '4', parse: count, description: 'most writes to pods at once' }),
  backoffMaxMs: option({ flag: 'backoff-max-ms', default: String(DEFAULT_BACKOFF.maxMs), parse: count, description: 'longest wait between retries of a failed write, in ms' }),
  outboxCompactAtBytes: optional({
    flag: 'outbox-compact-at-bytes', parse: count, defaultText: 'the outbox\'s own', description: 'the outbox log size at which it is compacted, in bytes',
  }),
  quiet: switchOption({ flag: 'quiet', description: 'no log lines (only "gateway ready at ...")' }),
} as const;

/** `tsx apps/gateway/register-platform.ts`: the operator registers a vendor platform (auth/platforms.ts); all three are required. */
export const REGISTER_PLATFORM_OPTIONS = {
  dataDir: DATA_DIR,
  clientId: optional({ flag: 'client-id', parse: checkClientId, defaultText: '(required)', description: 'the platform\'s client_id (the iss and sub of its client assertions)' }),
  name: optional({ flag: 'name', parse: text, defaultText: '(required)', description: 'the platform\'s name, as patients see it when it asks to pair a device' }),
  jwks: optional({ flag: 'jwks', parse: text, defaultText: '(required)', description: 'a file with the platform\'s public keys as a JWKS ({ "keys": [...] }); private keys are refused' }),
} as const;
