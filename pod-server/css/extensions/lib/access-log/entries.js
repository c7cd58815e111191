'use strict';
/**
 * What an access-log entry is, where it goes, and its RDF.
 *
 * One entry per read attempt by someone other than the pod's owner, in the
 * patient's `{pod}health/access-log/{YYYY-MM-DD}.ttl` (the Europe/Oslo
 * calendar day of the read). A read is any request that needs Read: a GET,
 * an N3 Patch with a where clause or deletes, and the opening of a
 * notification channel (action 'subscribe': it reports every later change).
 * Terms: PROV-O for the activity, and Helsevev's own (vocab/helsevev.ttl) for
 * what PROV-O lacks: the client app, the HTTP method and status, the action
 * (hv:Read or hv:Subscribe), and whether it was allowed or denied. This is the
 * pod server's copy of the vocabulary; test/unit/pod-server/access-log.test.ts
 * keeps it in step with vocab/terms.ts and shapes/access-log.ttl.
 *
 * Pure functions: no I/O.
 */
const { DataFactory } = require('n3');

const { namedNode, literal, quad } = DataFactory;

const PROV = 'http://www.w3.org/ns/prov#';
const HV = 'https://w3id.org/helsevev#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD = 'http://www.w3.org/2001/XMLSchema#';

const TERMS = {
  Activity: `${PROV}Activity`,
  wasAssociatedWith: `${PROV}wasAssociatedWith`,
  used: `${PROV}used`,
  startedAtTime: `${PROV}startedAtTime`,
  AccessEvent: `${HV}AccessEvent`,
  clientId: `${HV}clientId`,
  httpMethod: `${HV}httpMethod`,
  httpStatus: `${HV}httpStatus`,
  outcome: `${HV}outcome`,
  Allowed: `${HV}Allowed`,
  Denied: `${HV}Denied`,
  action: `${HV}action`,
  Read: `${HV}Read`,
  Subscribe: `${HV}Subscribe`,
};

/** What an entry records the reader doing: reading (any request that needs Read) or subscribing to changes. */
const ACTIONS = { read: TERMS.Read, subscribe: TERMS.Subscribe };

/** The access log container of a pod (`pod` ends with a slash). */
function accessLogContainer(pod) {
  return `${pod}health/access-log/`;
}

const osloParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Oslo',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  hourCycle: 'h23',
});

/**
 * An instant as ISO 8601 with Europe/Oslo's offset (2026-01-05T08:30:00.123+01:00), as the rest of
 * Helsevev writes times (apps/shared/measurement/identity.ts toOsloIso; a unit test compares them).
 */
function osloIso(date) {
  const w = Object.fromEntries(osloParts.formatToParts(date).map((p) => [p.type, p.value]));
  const wallAsUtc = Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second);
  const offsetMinutes = Math.round((wallAsUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const abs = Math.abs(offsetMinutes);
  const offset = `${offsetMinutes >= 0 ? '+' : '-'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const ms = date.getUTCMilliseconds();
  return `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}:${w.second}${ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`}${offset}`;
}

/** The day document an entry made at `date` belongs to: its Europe/Oslo calendar day. */
function dayDocument(pod, date) {
  return `${accessLogContainer(pod)}${osloIso(date).slice(0, 10)}.ttl`;
}

/**
 * 'allowed' for a read that was answered: 2xx, 304 (the reader's copy is current), 409 (an N3 Patch's where clause
 * matched none or several times, or its deletes are not there) and 412 (a precondition did not hold): each of these
 * tells the reader something of what the resource holds. 'denied' for 401/403; undefined otherwise (404, 5xx and
 * other errors disclose nothing and refuse nothing: not logged).
 */
function outcomeOf(status) {
  if ((status >= 200 && status < 300) || status === 304 || status === 409 || status === 412) return 'allowed';
  if (status === 401 || status === 403) return 'denied';
  return undefined;
}

/**
 * A journal entry: plain JSON, everything the day document needs.
 *
 * @param {{ id: string, pod: string, time: Date, agent?: string, clientId?: string,
 *           resource: string, method: string, status: number, action?: 'read' | 'subscribe' }} read
 */
function makeEntry(read) {
  const outcome = outcomeOf(read.status);
  if (!outcome) throw new Error(`HTTP status ${read.status} is neither an allowed nor a denied read`);
  const action = read.action ?? 'read';
  if (!(action in ACTIONS)) throw new Error(`'${action}' is not an access-log action (read, subscribe)`);
  return {
    id: read.id,
    pod: read.pod,
    document: dayDocument(read.pod, read.time),
    time: osloIso(read.time),
    ...(read.agent ? { agent: read.agent } : {}),
    ...(read.clientId ? { clientId: read.clientId } : {}),
    resource: read.resource,
    method: read.method,
    status: read.status,
    outcome,
    action,
  };
}

/** The triples of one entry, with subject `{document}#{id}`. */
function entryQuads(entry) {
  const subject = namedNode(`${entry.document}#${entry.id}`);
  const quads = [
    quad(subject, namedNode(RDF_TYPE), namedNode(TERMS.Activity)),
    quad(subject, namedNode(RDF_TYPE), namedNode(TERMS.AccessEvent)),
    quad(subject, namedNode(TERMS.used), namedNode(entry.resource)),
    quad(subject, namedNode(TERMS.startedAtTime), literal(entry.time, namedNode(`${XSD}dateTime`))),
    quad(subject, namedNode(TERMS.httpMethod), literal(entry.method)),
    quad(subject, namedNode(TERMS.httpStatus), literal(String(entry.status), namedNode(`${XSD}integer`))),
    quad(subject, namedNode(TERMS.outcome), namedNode(entry.outcome === 'allowed' ? TERMS.Allowed : TERMS.Denied)),
    // Journals written before actions were recorded hold reads only.
    quad(subject, namedNode(TERMS.action), namedNode(ACTIONS[entry.action] ?? TERMS.Read)),
  ];
  if (entry.agent) quads.push(quad(subject, namedNode(TERMS.wasAssociatedWith), namedNode(entry.agent)));
  if (entry.clientId) quads.push(quad(subject, namedNode(TERMS.clientId), literal(entry.clientId)));
  return quads;
}

/** Whether a journal line parsed into something we can write (a torn last line after a crash is not). */
function isEntry(value) {
  return typeof value === 'object' && value !== null &&
    ['id', 'pod', 'document', 'time', 'resource', 'method', 'outcome'].every((k) => typeof value[k] === 'string') &&
    typeof value.status === 'number';
}

module.exports = { TERMS, accessLogContainer, dayDocument, osloIso, outcomeOf, makeEntry, entryQuads, isEntry };
