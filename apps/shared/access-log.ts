/**
 * Reading a patient's access log ("who has looked at my data"): the pod
 * server records every read, or refused read, of anything under the patient's
 * `health/` by someone else (any request that needs Read: a GET, an N3 Patch
 * with a where clause, the opening of a notification channel ...) in
 * `health/access-log/{YYYY-MM-DD}.ttl`, one
 * document per Europe/Oslo day (docs/access-log.md). This module names those
 * documents and turns their triples into typed entries; it never reads or
 * writes a pod, and it never writes the log: only the pod server can.
 *
 * The server's writer is pod-server/css/extensions/lib/access-log/entries.js;
 * shapes/access-log.ttl is the shape both follow.
 */
import { Parser, Store, type Quad } from 'n3';
import { HV, PROV, RDF } from '../../vocab/terms.ts';
import { toOsloIso } from './measurement/identity.ts';
import { withSlash } from './pod-urls.ts';

export interface AccessLogEntry {
  /** The entry's IRI, `{day document}#{id}`. */
  readonly iri: string;
  /** Who read: their WebID (prov:wasAssociatedWith); undefined when the attempt was anonymous. */
  readonly agent?: string;
  /** The app the reader used (their access token's client id). */
  readonly clientId?: string;
  /** The resource read (a document or a container). */
  readonly resource: string;
  /** When, ISO 8601 with Europe/Oslo's offset. */
  readonly time: string;
  /** The HTTP method of the request: GET, HEAD, PATCH (an N3 Patch with a where clause or deletes), POST (a subscription) ... */
  readonly method: string;
  /** read: the request needed Read; subscribe: the reader opened a notification channel, told of every later change. */
  readonly action: 'read' | 'subscribe';
  readonly status: number;
  /** allowed: the server answered (2xx, 304, 409, 412); denied: it refused (401, 403). */
  readonly outcome: 'allowed' | 'denied';
}

export function accessLogContainer(pod: string): string {
  return `${withSlash(pod)}health/access-log/`;
}

/** The day document holding entries made at `date` (its Europe/Oslo calendar day). */
export function accessLogDocument(pod: string, date: Date): string {
  return `${accessLogContainer(pod)}${toOsloIso(date).slice(0, 10)}.ttl`;
}

const OUTCOMES = new Map<string, AccessLogEntry['outcome']>([
  [HV.Allowed, 'allowed'],
  [HV.Denied, 'denied'],
]);

const ACTIONS = new Map<string, AccessLogEntry['action']>([
  [HV.Read, 'read'],
  [HV.Subscribe, 'subscribe'],
]);

/** The entries among `quads`, newest first. Incomplete entries are left out. */
export function quadsToAccessLogEntries(quads: Iterable<Quad>): AccessLogEntry[] {
  const store = new Store([...quads]);
  return store
    .getSubjects(RDF.type, HV.AccessEvent, null)
    .flatMap((s): AccessLogEntry[] => {
      const get = (p: string) => store.getObjects(s, p, null)[0]?.value;
      const [resource, time, method, status, outcome] = [
        get(PROV.used), get(PROV.startedAtTime), get(HV.httpMethod), Number(get(HV.httpStatus)), OUTCOMES.get(get(HV.outcome) ?? ''),
      ];
      // Entries written before actions were recorded are reads.
      const action = ACTIONS.get(get(HV.action) ?? HV.Read);
      if (!resource || !time || Number.isNaN(Date.parse(time)) || !method || !/^[A-Z]+$/.test(method)) return [];
      if (!Number.isInteger(status) || !outcome || !action) return [];
      const agent = get(PROV.wasAssociatedWith);
      const clientId = get(HV.clientId);
      return [{ iri: s.value, ...(agent ? { agent } : {}), ...(clientId ? { clientId } : {}), resource, time, method, action, status, outcome }];
    })
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || a.iri.localeCompare(b.iri));
}

/** Parses one day document (Turtle, as the pod serves it) into entries, newest first. */
export function parseAccessLog(turtle: string, documentUrl: string): AccessLogEntry[] {
  return quadsToAccessLogEntries(new Parser({ baseIRI: documentUrl }).parse(turtle));
}
