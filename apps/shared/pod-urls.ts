/**
 * URLs on the pod server: (as CSS is configured here) each account has a pod
 * named like it, with its WebID in the pod's profile. The health layout
 * inside a pod is apps/shared/health-layout.ts. Pure string functions.
 */

/** `{base}{name}/`: the pod of account `name` on the server at `baseUrl` (ending in a slash). */
export const podUrlOf = (baseUrl: string, name: string): string => `${baseUrl}${name}/`;

/** `{base}{name}/profile/card#me`: the WebID of account `name`. */
export const webIdOf = (baseUrl: string, name: string): string => `${podUrlOf(baseUrl, name)}profile/card#me`;
