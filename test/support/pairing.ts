/**
 * Pairs a device with a patient the way it happens for real (docs/gateway.md,
 * "Pairing"), through the clients every caller uses (apps/shared/pairing.ts):
 * the device asks, the patient looks the code up and approves the kinds with
 * their own Solid session, the device polls for its credential. Tests and
 * harnesses that send readings use the credential it returns.
 *
 * The pod's ACLs are not written here: `beforeApprove` is where the caller
 * makes the patient's pod grant the vendor Append on the kinds (the consent
 * page's job), since a device may send as soon as it has its credential.
 */
import type { KindId } from '../../vocab/catalogue.ts';
import { reconcileDeviceAccess } from '../../apps/shared/device-access.ts';
import type { PodSession } from '../../apps/shared/pod-session.ts';
import {
  awaitPairing, decidePairing, lookUpPairing, requestPairing, type DeviceDescription, type DeviceToken,
} from '../../apps/shared/pairing.ts';

export interface PairDeviceOptions {
  readonly gatewayUrl: string;
  /** The patient's logged-in session (approves as them). */
  readonly patient: Pick<PodSession, 'fetch'> & { readonly webId?: string };
  readonly kinds: readonly KindId[];
  /** Default: a test device with a fresh serial number. */
  readonly device?: DeviceDescription;
  readonly patientIdentifier?: { readonly system: string; readonly value: string };
  /** Approve only these (default: all of `kinds`). */
  readonly approve?: readonly KindId[];
  /** Runs after the patient saw the request and before they approve (the pod's ACLs). */
  readonly beforeApprove?: () => Promise<void>;
}

let serial = 0;

export async function pairDevice(options: PairDeviceOptions): Promise<DeviceToken> {
  const device = options.device ?? { id: `test-${process.pid}-${++serial}`, model: 'Test device', manufacturer: 'Helsevev tests' };
  const authorization = await requestPairing(options.gatewayUrl, {
    device, kinds: options.kinds, ...(options.patientIdentifier ? { patientIdentifier: options.patientIdentifier } : {}),
  });
  const asked = await lookUpPairing(options.gatewayUrl, authorization.user_code, options.patient.fetch);
  const kinds = options.approve ?? options.kinds;
  // The pod's side first, as the consent page does it (a device may send at once); a test may replace it.
  const webId = options.patient.webId;
  if (options.beforeApprove) await options.beforeApprove();
  else if (webId) await reconcileDeviceAccess(options.gatewayUrl, { fetch: options.patient.fetch, webId, storage: new URL('../', webId).href }, { asked, kinds });
  await decidePairing(options.gatewayUrl, authorization.user_code, { decision: 'approve', kinds: options.approve ?? options.kinds }, options.patient.fetch);
  return awaitPairing(options.gatewayUrl, authorization);
}

/** `fetch` init headers that carry a device credential. */
export const bearer = (token: DeviceToken | string): Record<string, string> =>
  ({ authorization: `Bearer ${typeof token === 'string' ? token : token.access_token}` });
