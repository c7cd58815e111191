/**
 * The operator registers a vendor platform (auth/platforms.ts), or replaces
 * its name and keys (key rotation):
 *
 *   tsx apps/gateway/register-platform.ts --data-dir .data --client-id acme-health \
 *       --name "Acme Health" --jwks acme-public-keys.json
 *   (npm run register-platform -- ...)
 *
 * The JWKS file holds the platform's public keys; a private or symmetric key
 * is refused, so a platform's secret never lands on the gateway's disk. A
 * running gateway reads the platforms file again on the next token request.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../shared/config.ts';
import { makePrivateFolder } from '../shared/private-files.ts';
import { parsePublicJwks, platformsPath, registerPlatform } from './auth/platforms.ts';
import { REGISTER_PLATFORM_OPTIONS } from './config.ts';

const USAGE = 'tsx apps/gateway/register-platform.ts --client-id ID --name NAME --jwks FILE [--data-dir .data]: registers a vendor platform (private_key_jwt)';

async function main(): Promise<void> {
  const { dataDir, clientId, name, jwks } = loadConfig(USAGE, REGISTER_PLATFORM_OPTIONS);
  const missing = Object.entries({ 'client-id': clientId, name, jwks }).filter(([, value]) => !value).map(([flag]) => `--${flag}`);
  if (missing.length > 0) {
    console.error(`${missing.join(', ')} must be given\n(--help lists the options)`);
    process.exit(2);
  }
  const file = resolve(jwks!);
  let keys;
  try {
    keys = await parsePublicJwks(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  await makePrivateFolder(join(dataDir, 'gateway'));
  const path = platformsPath(dataDir);
  const outcome = await registerPlatform(path, { clientId: clientId!, name: name!, jwks: keys });
  console.log(`${outcome === 'added' ? 'registered' : 'replaced the name and keys of'} platform ${clientId} ("${name}") with ${keys.keys.length} key(s) in ${path}`);
}

main().catch((error: Error) => {
  console.error(`register-platform: ${error.message}`);
  process.exit(1);
});
