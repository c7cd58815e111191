import { describe, expect, it } from 'vitest';
import { appendersByKind, formatUserCode, normaliseUserCode, type PairedDevice } from '../../../apps/shared/pairing.ts';

describe('user codes', () => {
  it.each([
    ['BCDF-GHJK', 'BCDFGHJK'], ['bcdf ghjk', 'BCDFGHJK'], ['bcdfghjk', 'BCDFGHJK'],
    ['BCDF-GHJ', undefined], ['BCDF-GHJKL', undefined], ['ABCD-EFGH', undefined], ['BCDF-GHJ0', undefined],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseUserCode(input)).toBe(expected);
  });
  it('formats with a dash in the middle', () => expect(formatUserCode('BCDFGHJK')).toBe('BCDF-GHJK'));
});

describe('appendersByKind', () => {
  const device = (over: Partial<PairedDevice>): PairedDevice => ({
    id: 'p', vendor: { webId: 'https://v.example/#me', name: 'V' }, device: { id: '1', model: 'M' },
    kinds: ['blood-glucose'], pairedAt: '2026-12-05T10:00:00Z', pendingReadings: 0, ...over,
  });
  it('keeps a vendor for active pairings and for revoked ones still delivering, drops drained revoked ones', () => {
    const map = appendersByKind([
      device({ kinds: ['blood-glucose', 'body-weight'] }),
      device({ kinds: ['oxygen-saturation'], vendor: { webId: 'https://w.example/#me', name: 'W' }, revokedAt: '2026-12-05T11:00:00Z', pendingReadings: 2 }),
      device({ kinds: ['heart-rate'], revokedAt: '2026-12-05T11:00:00Z' }),
    ]);
    expect(Object.fromEntries([...map].map(([k, v]) => [k, [...v]]))).toEqual({
      'blood-glucose': ['https://v.example/#me'], 'body-weight': ['https://v.example/#me'], 'oxygen-saturation': ['https://w.example/#me'],
    });
  });
});
