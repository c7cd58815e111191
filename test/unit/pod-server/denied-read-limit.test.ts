/**
 * The access log's bound on refused reads (pod-server/css/extensions): a token
 * bucket per pod and reader, anonymous readers sharing one.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// CommonJS run by CSS; loaded the way Node does.
const require = createRequire(import.meta.url);
const { DeniedReadLimit } = require('../../../pod-server/css/extensions/lib/access-log/DeniedReadLimit.js') as {
  DeniedReadLimit: new (capacity?: number, refillMs?: number, now?: () => number) => {
    allow(pod: string, agent?: string): boolean;
    takeSuppressed(): Map<string, number>;
  };
};

describe('DeniedReadLimit', () => {
  it('lets `capacity` refused reads through per pod and reader, then one per refill period, counting the rest', () => {
    let now = 0;
    const limit = new DeniedReadLimit(3, 60_000, () => now);
    const pod = 'http://pods.example/hans/';
    expect([1, 2, 3, 4, 5].map(() => limit.allow(pod))).toEqual([true, true, true, false, false]);
    expect(limit.allow(pod, 'http://pods.example/hagen/profile/card#me')).toBe(true); // another reader
    expect(limit.allow('http://pods.example/kari/')).toBe(true); // another pod
    now += 60_000;
    expect([limit.allow(pod), limit.allow(pod)]).toEqual([true, false]);
    expect(limit.takeSuppressed()).toEqual(new Map([[pod, 3]]));
    expect(limit.takeSuppressed()).toEqual(new Map());
  });
});
