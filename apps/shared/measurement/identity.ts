/**
 * What identifies a measurement and where it lives. A measurement's IRI is
 * derived from (patient, device, kind, instant) only, so mapping the same
 * reading twice gives identical triples and a retried write is a no-op.
 *
 * Month documents are chosen in one fixed time zone, Europe/Oslo: a reading
 * at 00:30 on 1 February Oslo time belongs to `YYYY-02.ttl` wherever the
 * device's clock was set.
 */
import type { KindId } from '../../../vocab/catalogue.ts';
import { sha256Hex } from '../hash.ts';
import { withSlash } from '../pod-urls.ts';

export const POD_TIME_ZONE = 'Europe/Oslo';

const osloParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: POD_TIME_ZONE,
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
  hourCycle: 'h23',
});

interface WallClock { year: string; month: string; day: string; hour: string; minute: string; second: string }

// One reading's time is formatted several times on its way (normalise, month,
// document, IRI); formatToParts is costly, so remember the last second asked.
let lastWallClock: { second: number; wall: WallClock } | undefined;

function osloWallClock(date: Date): WallClock {
  const second = Math.floor(date.getTime() / 1000);
  if (lastWallClock?.second === second) return lastWallClock.wall;
  const wall = Object.fromEntries(osloParts.formatToParts(date).map((p) => [p.type, p.value])) as unknown as WallClock;
  lastWallClock = { second, wall };
  return wall;
}

/** Renders an instant as ISO 8601 in Europe/Oslo's offset: 2026-01-05T08:30:00+01:00. */
export function toOsloIso(date: Date): string {
  const w = osloWallClock(date);
  const wallAsUtc = Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second);
  const offsetMinutes = Math.round((wallAsUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const ms = date.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`;
  return `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}:${w.second}${fraction}${offset}`;
}

/** `YYYY-MM` of the instant in Europe/Oslo. */
export function osloMonth(date: Date): string {
  const w = osloWallClock(date);
  return `${w.year}-${w.month}`;
}

/** `{storage}health/{folder}/{YYYY-MM}.ttl`: notes and consent records are appended per Oslo month, like measurements. */
export function healthMonthDocument(storage: string, folder: 'notes' | 'consent', created: string): string {
  return `${withSlash(storage)}health/${folder}/${osloMonth(new Date(created))}.ttl`;
}

/** `{storage}health/measurements/{category}/` */
export function categoryContainer(storage: string, kind: KindId): string {
  return `${withSlash(storage)}health/measurements/${kind}/`;
}

/** `{storage}health/measurements/{category}/{YYYY-MM}.ttl` for a reading at `effectiveTime`. */
export function measurementDocument(storage: string, kind: KindId, effectiveTime: string): string {
  return `${categoryContainer(storage, kind)}${osloMonth(new Date(effectiveTime))}.ttl`;
}

/** Every month document a time range touches, oldest first (for query planning). */
export function monthsBetween(from: Date, to: Date): string[] {
  const months: string[] = [];
  let [y, m] = osloMonth(from).split('-').map(Number) as [number, number];
  const last = osloMonth(to);
  for (let guard = 0; guard < 1200; guard++) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    months.push(month);
    if (month >= last) break;
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return months;
}

/** Stable hex digest of the parts that identify a thing. */
export function identityHash(...parts: string[]): string {
  return sha256Hex(parts.join('\u0000')).slice(0, 24);
}

/**
 * The measurement's IRI: a fragment of its month document. A device's reading
 * is identified by (patient, device, kind, instant); a record system's
 * observation without a device by (patient, kind, its identifier), so the same
 * observation sent twice is one reading.
 */
export function measurementIri(
  storage: string,
  m: { patient: string; device?: string; identifier?: { system: string; value: string }; kind: KindId; effectiveTime: string },
): string {
  let id: string;
  if (m.device !== undefined) {
    id = identityHash(m.patient, m.device, m.kind, String(new Date(m.effectiveTime).getTime()));
  } else if (m.identifier) {
    id = identityHash(m.patient, 'identifier', m.kind, m.identifier.system, m.identifier.value);
  } else {
    throw new Error('a measurement needs a device or an identifier to be identified');
  }
  return `${measurementDocument(storage, m.kind, m.effectiveTime)}#m-${id}`;
}

/** The sensor's IRI in a document: the same device gives the same node. */
export function sensorIri(document: string, source: string, device: string): string {
  return `${document}#device-${identityHash(source, device).slice(0, 16)}`;
}
