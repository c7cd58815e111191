/**
 * The pairing's secrets (docs/gateway.md, "What is stored"): user codes,
 * device codes and device credentials are made from crypto randomness; the
 * gateway keeps only digests of what it hands out, compares them in constant
 * time, and keeps patient identifiers only as keyed hashes (HMAC-SHA256 with
 * a key of its own, `identifier-key`, 0600), so a copy of pairings.json alone
 * names nobody: a national identity number has too few possible values for a
 * plain hash to hide it.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { USER_CODE_ALPHABET, USER_CODE_LENGTH } from '../../shared/pairing.ts';
import { PRIVATE_FILE_MODE } from '../../shared/private-files.ts';

/** 8 letters of USER_CODE_ALPHABET: 20^8 = 2.6e10 codes, each alive for 10 minutes, 5 wrong tries per caller. */
export function newUserCode(): string {
  return Array.from({ length: USER_CODE_LENGTH }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');
}

/** 256 random bits. */
export const newDeviceCode = (): string => randomBytes(32).toString('base64url');

export const newPairingId = (): string => randomBytes(12).toString('hex');

export const digest = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/** Constant-time equality of two digests (or codes) of the same length. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const CREDENTIAL = /^hvd_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

/** A device credential `hvd_{pairingId}_{secret}` and the digest the gateway keeps of it. */
export function newCredential(pairingId: string): { credential: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { credential: `hvd_${pairingId}_${secret}`, hash: digest(secret) };
}

/** The parts of a device credential; undefined when it cannot be one. */
export function parseCredential(token: string): { pairingId: string; secret: string } | undefined {
  const match = CREDENTIAL.exec(token);
  return match ? { pairingId: match[1]!, secret: match[2]! } : undefined;
}

/** The gateway's identifier key: 32 random bytes, made private at first start and never shown. */
export async function loadIdentifierKey(path: string): Promise<Buffer> {
  try {
    const key = await readFile(path);
    if (key.length !== 32) throw new Error(`${path} is not an identifier key (32 bytes); it was changed or truncated, and without it no patient identifier can be found`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  const file = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    await file.writeFile(key);
    await file.sync();
  } finally {
    await file.close();
  }
  return key;
}

/** The keyed hash an identifier is stored and looked up as. */
export const identifierHash = (key: Buffer, system: string, value: string): string =>
  createHmac('sha256', key).update(`${system}\u0000${value}`).digest('base64url');
