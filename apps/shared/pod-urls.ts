/**
 * URLs on the pod server, the rule every part uses: a container's URL ends
 * in a slash, and (as CSS is configured here) each account has a pod named
 * like it, with its WebID in the pod's profile. The health layout inside a
 * pod is apps/shared/health-layout.ts. Pure string functions; browser-safe.
 *
 * The pod server's CommonJS extensions (pod-server/css/extensions/) cannot
 * import TypeScript and keep their own one-line slash rule.
 */

/** `url` with a closing slash: how a container's URL is written. */
export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** `{base}{name}/`: the pod of account `name` on the server at `baseUrl` (ending in a slash). */
export const podUrlOf = (baseUrl: string, name: string): string => `${baseUrl}${name}/`;

/** `{base}{name}/profile/card#me`: the WebID of account `name`. */
export const webIdOf = (baseUrl: string, name: string): string => `${podUrlOf(baseUrl, name)}profile/card#me`;
