/**
 * SHA-256 as lowercase hex, the same bytes in Node and in the browser: the
 * measurement identity (apps/shared/measurement/identity.ts) and FHIR ids are
 * derived from it, and the consent page bundles that mapping. Text is hashed
 * as UTF-8, as Node's `createHash('sha256').update(text)` does (a unit test
 * compares both). `@noble/hashes` is audited, pure JS and synchronous, which
 * WebCrypto's `subtle.digest` is not.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
