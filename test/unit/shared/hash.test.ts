/**
 * The browser-safe SHA-256 must give byte-identical output to Node's
 * node:crypto, or measurement IRIs written by the gateway and recomputed by
 * the consent page would differ.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../apps/shared/hash.ts';
import { identityHash } from '../../../apps/shared/measurement/identity.ts';
import { uuidUrnOf } from '../../../apps/shared/fhir/export.ts';

const nodeSha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('equals node:crypto for any text, including non-ASCII, NUL separators and lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(sha256Hex(text)).toBe(nodeSha256(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals node:crypto across block boundaries (55, 56, 64 bytes and long inputs)', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100_000]) {
      const text = 'ø'.repeat(n);
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
  });

  it('leaves measurement identities and FHIR bundle ids as they were with node:crypto', () => {
    const parts = ['http://localhost:3000/hans/profile/card#me', 'oxi-0042', 'oxygen-saturation', '1771054200000'];
    expect(identityHash(...parts)).toBe(nodeSha256(parts.join('\u0000')).slice(0, 24));
    const iri = 'http://localhost:3000/hans/health/measurements/oxygen-saturation/2026-02.ttl#m-5f0c';
    const h = nodeSha256(iri);
    expect(uuidUrnOf(iri)).toBe(
      `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`,
    );
  });
});
