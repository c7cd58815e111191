'use strict';
/**
 * "Same origin as one of these": the rule for every URL the pod server
 * fetches because a resource named it (a group document in an ACL). Origins
 * are compared parsed (scheme, host, port), never as string prefixes; a URL
 * with user info is refused; a base with a path also requires the URL's path
 * to lie below it. Callers never follow redirects (`redirect: 'manual'`).
 *
 * The same rule as apps/shared/same-origin.ts (this package is plain JS and
 * cannot import the apps' TypeScript): keep the two in step.
 */

/** The parsed http(s) URL, or undefined when it is not one or carries user info. */
function httpUrl(value) {
  let url;
  try {
    url = new URL(String(value).trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return url;
}

/** Whether `url` is on the origin of one of `bases`, below the base's path, without user info. */
function isWithin(url, bases) {
  const target = httpUrl(url);
  if (!target) return false;
  return bases.some((entry) => {
    const base = httpUrl(entry);
    if (!base || base.origin !== target.origin) return false;
    const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return path === '/' || target.pathname.startsWith(path);
  });
}

module.exports = { httpUrl, isWithin };
