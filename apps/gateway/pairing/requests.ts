/**
 * The pairing endpoints' untrusted input, checked once into typed values
 * (apps/shared/pairing.ts is the wire format), and the views the gateway
 * answers with. Errors name the field (422 problem+json).
 */
import type { DeviceDescription, PairedDevice, PairingDecision, PairingRequest, PairingRequestView } from '../../shared/pairing.ts';
import { formatUserCode } from '../../shared/pairing.ts';
import type { FieldError } from '../../shared/measurement/index.ts';
import { invalidInput, ProblemError } from '../../shared/problem.ts';
import { CATEGORIES, isKindId, type KindId } from '../../../vocab/catalogue.ts';
import type { PendingAuthorization } from './pending.ts';
import type { Pairing, Party } from './store.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Printable text a person reads on the consent page: no control characters, no markup brackets. */
const LABEL = /^[^\u0000-\u001f\u007f<>]{1,128}$/u;

function refuse(errors: FieldError[], what: string): never {
  throw new ProblemError(invalidInput(errors, `${what}: ${errors.map((e) => `${e.field || 'body'} ${e.message}`).join('; ')}`));
}

function unknownFields(body: Record<string, unknown>, known: readonly string[], prefix: string, errors: FieldError[]): void {
  for (const key of Object.keys(body)) if (!known.includes(key)) errors.push({ field: `${prefix}${key}`, message: `unknown field; expected ${known.join(', ')}` });
}

function kindsOf(value: unknown, field: string, errors: FieldError[]): KindId[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({ field, message: `must be a non-empty list of kinds of measurement (${CATEGORIES.join(', ')})` });
    return [];
  }
  const kinds: KindId[] = [];
  value.forEach((k, i) => {
    if (typeof k !== 'string' || !isKindId(k)) errors.push({ field: `${field}/${i}`, message: `is not a kind of measurement; use one of ${CATEGORIES.join(', ')}` });
    else if (kinds.includes(k)) errors.push({ field: `${field}/${i}`, message: `${k} is named twice` });
    else kinds.push(k);
  });
  return kinds;
}

/** POST /pairings. */
export function parsePairingRequest(body: unknown): PairingRequest {
  const errors: FieldError[] = [];
  if (!isObject(body)) refuse([{ field: '', message: 'must be a JSON object { device: { id, model, manufacturer?, name? }, kinds: [...] }' }], 'the pairing was not started');
  unknownFields(body, ['device', 'kinds', 'patientIdentifier'], '', errors);
  let device: DeviceDescription | undefined;
  if (!isObject(body.device)) {
    errors.push({ field: 'device', message: 'must be { id, model, manufacturer?, name? }: what the device is, as the patient will see it' });
  } else {
    const d = body.device;
    unknownFields(d, ['id', 'model', 'manufacturer', 'name'], 'device/', errors);
    for (const key of ['id', 'model', 'manufacturer', 'name'] as const) {
      const required = key === 'id' || key === 'model';
      if (d[key] === undefined && !required) continue;
      if (typeof d[key] !== 'string' || !LABEL.test(d[key])) errors.push({ field: `device/${key}`, message: 'must be text of 1-128 characters, without control characters or < >' });
    }
    device = {
      id: String(d.id), model: String(d.model),
      ...(typeof d.manufacturer === 'string' ? { manufacturer: d.manufacturer } : {}),
      ...(typeof d.name === 'string' ? { name: d.name } : {}),
    };
  }
  const kinds = kindsOf(body.kinds, 'kinds', errors);
  let patientIdentifier: PairingRequest['patientIdentifier'];
  if (body.patientIdentifier !== undefined) {
    const id = isObject(body.patientIdentifier) ? body.patientIdentifier : {};
    if (typeof id.system !== 'string' || !/^(?:urn|https?):[^\s<>"{}|\\^`]{1,250}$/.test(id.system)) {
      errors.push({ field: 'patientIdentifier/system', message: 'must be the identifier system URI, e.g. "urn:oid:2.16.578.1.12.4.1.4.1"' });
    }
    if (typeof id.value !== 'string' || !/^[^\s<>"{}|\\^`]{1,128}$/.test(id.value)) {
      errors.push({ field: 'patientIdentifier/value', message: 'must be the identifier value (1-128 characters, no spaces and none of < > " { } | \\ ^ `)' });
    }
    patientIdentifier = { system: String(id.system), value: String(id.value) };
  }
  if (errors.length > 0 || !device) refuse(errors, 'the pairing was not started');
  return { device, kinds, ...(patientIdentifier ? { patientIdentifier } : {}) };
}

/** POST /pairings/{userCode}: approve a non-empty subset of the requested kinds, or refuse. */
export function parseDecision(body: unknown, requested: readonly KindId[]): PairingDecision {
  const what = 'the decision was not recorded';
  if (!isObject(body) || (body.decision !== 'approve' && body.decision !== 'refuse')) {
    refuse([{ field: 'decision', message: 'must be "approve" (with kinds) or "refuse"' }], what);
  }
  if (body.decision === 'refuse') return { decision: 'refuse' };
  const errors: FieldError[] = [];
  unknownFields(body, ['decision', 'kinds'], '', errors);
  const kinds = kindsOf(body.kinds, 'kinds', errors);
  kinds.forEach((k, i) => {
    if (!requested.includes(k)) errors.push({ field: `kinds/${i}`, message: `the device did not ask for ${k} (it asked for ${requested.join(', ')})` });
  });
  if (errors.length > 0) refuse(errors, what);
  return { decision: 'approve', kinds };
}

export function requestView(authorization: PendingAuthorization, vendor: Party): PairingRequestView {
  return {
    userCode: formatUserCode(authorization.userCode),
    vendor,
    ...(authorization.platform ? { platform: authorization.platform } : {}),
    device: authorization.request.device,
    kinds: authorization.request.kinds,
    expiresAt: new Date(authorization.expiresAt).toISOString(),
  };
}

export function deviceView(p: Pairing, pendingReadings: number): PairedDevice {
  return {
    id: p.id,
    vendor: p.vendor,
    ...(p.platform ? { platform: p.platform } : {}),
    device: p.device,
    kinds: p.kinds,
    pairedAt: p.pairedAt,
    ...(p.lastReadingAt ? { lastReadingAt: p.lastReadingAt } : {}),
    ...(p.revokedAt ? { revokedAt: p.revokedAt } : {}),
    pendingReadings,
  };
}
