/**
 * `{dataDir}/devices.json`: the demo devices' credentials, one entry per
 * pairing, as the devices got them from the gateway (POST /token after the
 * patient approved; apps/shared/pairing.ts). `npm start` pairs the demo
 * devices and writes it (apps/demo-pairing.ts); `npm run simulate` reads it
 * and sends with each credential, only the kinds it was paired for.
 *
 * A credential writes readings into a patient's pod, so the file is a secret
 * like credentials.json: written atomically, 0600, refused when others may
 * read it. The gateway keeps only a hash: this file is the only copy.
 */
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isKindId, type KindId } from '../../vocab/catalogue.ts';
import type { DeviceDescription } from './pairing.ts';
import { checkPrivate, PRIVATE_FILE_MODE } from './private-files.ts';

export interface PairedDeviceEntry {
  /** The patient's account name in the demo world (hans, kari, ola). */
  readonly name: string;
  /** The patient's WebID: the one patient this credential writes for. */
  readonly patient: string;
  /** The identifier the device asked to pair with (FHIR subject.identifier resolves to the patient through it). */
  readonly patientIdentifier?: { readonly system: string; readonly value: string };
  /** The pairing's id (GET /devices as the patient lists it). */
  readonly pairing: string;
  readonly device: DeviceDescription;
  readonly kinds: readonly KindId[];
  /** `Authorization: Bearer` on every reading. */
  readonly credential: string;
  /** ISO 8601. */
  readonly pairedAt: string;
}

export interface PairedDevicesFile {
  /** The gateway the devices paired with (their credentials are good there only). */
  readonly gateway: string;
  readonly devices: readonly PairedDeviceEntry[];
}

export const pairedDevicesPath = (dataDir: string) => join(dataDir, 'devices.json');

const isString = (v: unknown): v is string => typeof v === 'string';

function isEntry(value: unknown): value is PairedDeviceEntry {
  const e = value as Partial<PairedDeviceEntry> | null;
  return typeof e === 'object' && e !== null
    && [e.name, e.patient, e.pairing, e.credential, e.pairedAt, e.device?.id, e.device?.model].every(isString)
    && Array.isArray(e.kinds) && e.kinds.length > 0 && e.kinds.every((k) => isString(k) && isKindId(k));
}

/** The paired devices; undefined when the file does not exist. Throws ExposedPathError if others may read it. */
export async function readPairedDevices(dataDir: string): Promise<PairedDevicesFile | undefined> {
  const path = pairedDevicesPath(dataDir);
  await checkPrivate([path]);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<PairedDevicesFile> | null;
  if (typeof parsed?.gateway !== 'string' || !Array.isArray(parsed.devices) || !parsed.devices.every(isEntry)) {
    throw new Error(`${path} is not a list of paired devices; delete it and run npm start to pair the demo devices again`);
  }
  return { gateway: parsed.gateway, devices: parsed.devices };
}

export async function writePairedDevices(dataDir: string, file: PairedDevicesFile): Promise<void> {
  // TODO(merge h18-gateway): writePrivateFileAtomically from private-files.ts
  const path = pairedDevicesPath(dataDir);
  await writeFile(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  await chmod(`${path}.tmp`, PRIVATE_FILE_MODE);
  await rename(`${path}.tmp`, path);
}
