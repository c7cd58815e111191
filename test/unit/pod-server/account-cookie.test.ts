/**
 * The account cookie's attributes (AccountCookieWriter): HttpOnly always,
 * Secure only where the pod server is served over https (the integration test
 * runs over http and sees the rest on a real login).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { AccountCookieWriter } = require('../../../pod-server/css/extensions/lib/http/AccountCookieWriter.js') as {
  AccountCookieWriter: new (name: string, baseUrl: string) => { serialize(value: string, expires?: Date): string };
};

describe('the account cookie', () => {
  it('is HttpOnly, SameSite=Lax and Path=/ over http, without Secure (browsers would not send it back)', () => {
    expect(new AccountCookieWriter('css-account', 'http://localhost:3000/').serialize('abc')).toBe(
      'css-account=abc; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it('is also Secure over https, and carries the expiry CSS gives (a logout sends one in the past)', () => {
    const cookie = new AccountCookieWriter('css-account', 'https://pods.example/').serialize('a b', new Date(0));
    expect(cookie).toBe('css-account=a%20b; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax');
  });
});
