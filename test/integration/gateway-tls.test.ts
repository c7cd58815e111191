/**
 * The gateway as its own process (apps/gateway/main.ts) at its edge: it
 * refuses to listen on 0.0.0.0 in clear and says which flag to add; given a
 * certificate it serves HTTPS there, and the Host allow-list still holds.
 * The certificate is made at test time with openssl (self-signed, for
 * localhost); without openssl the HTTPS case is skipped, and says so.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { BASE, VENDOR, tempDir } from '../unit/gateway/fixtures.ts';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let dir: Awaited<ReturnType<typeof tempDir>>;
let cert = '';

beforeAll(async () => {
  dir = await tempDir();
  // The vendor's client credentials; the pod server is not needed (the gateway logs in lazily, when delivering).
  await writeFile(join(dir.path, 'credentials.json'), JSON.stringify({
    vendor: { webId: VENDOR, email: 'vendor@example.org', clientId: 'id', clientSecret: 'secret', oidcIssuer: BASE },
  }), { mode: 0o600 });
  if (hasOpenssl) {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir.path, 'key.pem'), '-out', join(dir.path, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' });
    cert = await readFile(join(dir.path, 'cert.pem'), 'utf8');
  }
});
afterAll(() => dir.remove());

const start = (args: string[]) => startGatewayProcess({ dataDir: dir.path, podBaseUrl: BASE, port: 0, args: ['--quiet', ...args] });

/** GET over HTTPS trusting only our certificate; `host` is the Host header sent. */
function getHttps(port: number, path: string, host: string): Promise<{ status: number; body: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, path, ca: cert, headers: { host } }, (res) => {
      let body = '';
      const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, protocol }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the gateway process at its edge', () => {
  it('refuses to listen on 0.0.0.0 without TLS or a proxy flag, naming the flags to add', async () => {
    await expect(start(['--host', '0.0.0.0'])).rejects.toThrow(/exited \(code 1\)[\s\S]*will not listen on 0\.0\.0\.0 without TLS[\s\S]*--behind-tls-proxy[\s\S]*--tls-cert FILE --tls-key FILE/);
  }, 60_000);

  it('refuses --tls-cert without --tls-key', async () => {
    await expect(start(['--tls-cert', join(dir.path, 'cert.pem')])).rejects.toThrow(/--tls-cert and --tls-key go together/);
  }, 60_000);

  describe.skipIf(!hasOpenssl)('with a self-signed certificate (openssl)', () => {
    let gateway: GatewayProcess;
    let port: number;
    beforeAll(async () => {
      gateway = await start(['--host', '0.0.0.0', '--tls-cert', join(dir.path, 'cert.pem'), '--tls-key', join(dir.path, 'key.pem')]);
      port = Number(new URL(gateway.url).port);
    }, 60_000);
    afterAll(() => gateway?.kill());

    it('serves /health over HTTPS on 0.0.0.0, and says https in its URL', async () => {
      expect(gateway.url).toMatch(/^https:\/\//);
      const r = await getHttps(port, '/health', `localhost:${port}`);
      expect(r.status).toBe(200);
      expect(r.protocol).toMatch(/^TLSv1\.[23]$/);
      expect(JSON.parse(r.body)).toMatchObject({ status: 'ok', vendor: VENDOR });
    });

    it('still answers 421 to a Host it was not given', async () => {
      const r = await getHttps(port, '/health', 'evil.example');
      expect(r.status).toBe(421);
      expect(JSON.parse(r.body)).toMatchObject({ status: 421 });
    });

    it('does not speak plain HTTP on that port', async () => {
      const plain = await fetch(`http://127.0.0.1:${port}/health`).then((res) => res.status, () => 'refused');
      expect(plain).not.toBe(200);
    });
  });
});
