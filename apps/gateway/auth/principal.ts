/**
 * Who is calling the gateway's intake, once its credential was checked
 * (auth/authenticate.ts): a paired device, or a registered platform that
 * sends for the devices paired through it. `unchecked` is only ever made by
 * the benchmark's allow-all authenticator, injected in-process to measure
 * what authentication costs; no option or flag reaches it.
 */
export type Principal =
  | { readonly type: 'device'; readonly pairingId: string }
  | { readonly type: 'platform'; readonly clientId: string; readonly name: string }
  | { readonly type: 'unchecked' };
