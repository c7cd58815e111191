/**
 * The clinician dashboard (docs/dashboard.md), served by the clinician
 * service itself so the page and its JSON share the browser's login cookie:
 *
 *   GET  /                        the page (for browsers; JSON index otherwise)
 *   GET  /app.js, /app.css        the bundle (esbuild, build.ts)
 *   GET  /dashboard/api/team/list the team's patients (WebIDs), for painting the list at once
 *   GET  /dashboard/api/team      latest value per patient and kind, thresholds, what is not shared (patient=: one row)
 *   GET  /dashboard/api/patient   one patient's measurements for 1, 4 or 12 weeks (ETag: cheap polling)
 *   GET  /dashboard/api/live      Server-Sent Events: `change` when the pod server notifies (live.ts)
 *   POST /dashboard/api/marks     mark a measurement unreliable (appended to the patient's health/notes/)
 *
 * Everything runs as the logged-in clinician: the patient's ACLs decide what
 * is shown, and the unreliable mark is written with the clinician's own
 * session (granted organisations have Append on notes/). A measurement is
 * never changed. The page's CSP allows only the service itself and no
 * inline script.
 */
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isKindId, type KindId } from '../../../vocab/catalogue.ts';
import { appendQuads } from '../../shared/append.ts';
import { notesDocument, parseUnreliableMark, unreliableMarkToQuads } from '../../shared/measurement/notes.ts';
import type { StoredMeasurement } from '../../shared/measurement/types.ts';
import type { PodSession } from '../../shared/pod-session.ts';
import { sendProblem } from '../../shared/http-errors.ts';
import { invalidInput, problem, ProblemError } from '../../shared/problem.ts';
import type { ClinicianQueryEngine, Gathered } from '../engine/engine.ts';
import { ParameterError, parsePatient } from '../engine/params.ts';
import type { LiveStreams } from '../http/caller-limits.ts';
import type { DashboardBundle } from './build.ts';
import { relayNotifications, type LiveTopic } from './live.ts';
import { marksForPage, patientNames } from './people.ts';
import { answersByScore } from './answers.ts';
import { crosses, readThresholds, thresholdsDocumentOf, type Threshold } from '../../shared/thresholds.ts';

export interface DashboardDeps {
  readonly engine: ClinicianQueryEngine;
  readonly identify: (req: Request) => Promise<PodSession>;
  readonly bundle: Promise<DashboardBundle>;
  /** Open live streams per session: capped, and ended when the session ends (../http/caller-limits.ts). */
  readonly liveStreams: LiveStreams;
  /** Gives the request's query slot back early: a live stream holds none once its topics are planned. */
  readonly queryDone: (req: Request) => void;
}

const DAY = 86_400_000;
export const WEEK_CHOICES = [1, 4, 12] as const;
/** The team view's "latest value" looks this far back. */
const LATEST_DAYS = 14;

export const DASHBOARD_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const pageHeaders = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function teamParam(req: Request): string {
  const team = req.query.team;
  if (typeof team !== 'string' || !team) throw new ParameterError('team', 'team: say which team (team=lungeteam); see GET /teams');
  return team;
}

/** Categories of the patient that could not be read, and why ("forbidden": not shared by the patient). */
function unreadableOf(g: Gathered, patient: string) {
  // Sorted: the order the pool met them in must not change the ETag.
  return g.access.unreadable.filter((u) => u.patient === patient).map((u) => ({ category: u.category ?? null, reason: u.reason }))
    .sort((a, b) => String(a.category).localeCompare(String(b.category)));
}

async function thresholdsOf(session: PodSession, g: Gathered): Promise<{ document: string; thresholds: Threshold[] }> {
  const document = thresholdsDocumentOf(g.team.url);
  const { thresholds } = await readThresholds(session.fetch, document);
  return { document, thresholds };
}

const valueOf = (m: StoredMeasurement) => (m.kind === 'blood-pressure' ? m.systolic : m.value);

/** The sent body with a strong ETag; 304 when the page already has it. */
function sendWithEtag(req: Request, res: Response, body: unknown): void {
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
  res.set({ etag, 'cache-control': 'no-cache, private', vary: 'cookie, authorization' });
  if (req.get('if-none-match') === etag) {
    res.status(304).end();
    return;
  }
  res.type('json').send(json);
}

/** Adds the dashboard to the clinician app (before its JSON index and 404). */
export function mountDashboard(app: express.Express, deps: DashboardDeps): void {
  const { engine, identify } = deps;
  // A failed build must not take the API down; the page then answers 503.
  const bundle = deps.bundle.catch((error: Error) => {
    console.error(`clinician dashboard: the page could not be built: ${error.message}`);
    return undefined;
  });
  const file = (type: string, pick: (b: DashboardBundle) => string) => async (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/' && req.accepts(['application/json', 'text/html']) !== 'text/html') return next();
    const b = await bundle;
    res.set(pageHeaders);
    if (!b) {
      sendProblem(res, problem(503, 'dashboard-unavailable', 'The dashboard could not be built', 'the JSON API works; see the service log'));
      return;
    }
    res.type(type).set('cache-control', 'no-cache').send(pick(b));
  };
  app.get('/', file('html', (b) => b.html));
  app.get('/app.js', file('text/javascript', (b) => b.js));
  app.get('/app.js.map', file('application/json', (b) => b.map));
  app.get('/app.css', file('text/css', (b) => b.css));

  // The team's list first (cheap: the list and nothing else), so the page can paint every
  // row at once and fill each as its patient's values arrive.
  app.get('/dashboard/api/team/list', async (req, res) => {
    const session = await identify(req);
    const team = teamParam(req);
    const found = (await engine.teams(session)).find((x) => x.name === team);
    if (!found) throw new ProblemError(problem(404, 'unknown-team', 'No such team', `your organisations have no team "${team}"; see GET /teams`));
    if (!found.patients) throw new ProblemError(problem(403, 'not-team-member', 'You are not in this team', `only members of ${team} may read its patient list`));
    sendWithEtag(req, res, { team: found.name, displayName: found.displayName ?? found.name, webId: session.webId, patients: found.patients });
  });

  /** Latest value per kind (last 14 days) of the team's patients, or of one (`patient=`). */
  app.get('/dashboard/api/team', async (req, res) => {
    const session = await identify(req);
    const team = teamParam(req);
    const only = typeof req.query.patient === 'string' ? parsePatient('patient', req.query.patient) : undefined;
    const now = new Date();
    const answer = await engine.measurements(session, { team, ...(only ? { patient: only } : {}), from: new Date(now.getTime() - LATEST_DAYS * DAY), to: now });
    const { document, thresholds } = await thresholdsOf(session, answer);
    const names = patientNames(answer);
    const patients = answer.team.patients.filter((p) => !only || p === only).map((webId) => {
      const latest: Record<string, { value: number; diastolic?: number; unit: string; effectiveTime: string; setting: string; flagged: boolean; unreliable: boolean }> = {};
      for (const m of answer.measurements) {
        if (m.patient !== webId) continue;
        const t = thresholds.find((x) => x.patient === webId && x.kind === m.kind);
        latest[m.kind] = {
          value: valueOf(m), ...(m.kind === 'blood-pressure' ? { diastolic: m.diastolic } : {}), unit: m.unit,
          effectiveTime: m.effectiveTime, setting: m.setting, flagged: t ? crosses(t, valueOf(m)) : false,
          unreliable: answer.marks.some((k) => k.measurement === m.iri),
        };
      }
      return {
        webId, name: names[webId], latest,
        thresholds: thresholds.filter((t) => t.patient === webId),
        unreadable: unreadableOf(answer, webId),
      };
    });
    sendWithEtag(req, res, {
      team: answer.team.name, displayName: answer.team.displayName ?? answer.team.name, webId: session.webId,
      since: new Date(now.getTime() - LATEST_DAYS * DAY).toISOString().slice(0, 13), thresholdsDocument: document, patients,
    });
  });

  app.get('/dashboard/api/patient', async (req, res) => {
    const session = await identify(req);
    const team = teamParam(req);
    if (typeof req.query.patient !== 'string') throw new ParameterError('patient', 'patient: the patient\'s WebID');
    const patient = parsePatient('patient', req.query.patient);
    const weeks = Number(req.query.weeks ?? 4);
    if (!(WEEK_CHOICES as readonly number[]).includes(weeks)) throw new ParameterError('weeks', `weeks: one of ${WEEK_CHOICES.join(', ')}`);
    const now = new Date();
    const from = new Date(now.getTime() - weeks * 7 * DAY);
    const answer = await engine.measurements(session, { team, patient, from, to: now });
    const { document, thresholds } = await thresholdsOf(session, answer);
    const marks = (await marksForPage(engine, answer.marks)).sort((a, b) => a.created.localeCompare(b.created) || a.iri.localeCompare(b.iri));
    const answers = answersByScore(answer.documents, answer.measurements);
    sendWithEtag(req, res, {
      team: answer.team.name, webId: session.webId, patient, name: patientNames(answer)[patient], weeks,
      // "to" is not sent: it changes on every poll, and the page knows the time.
      from: from.toISOString().slice(0, 13),
      thresholdsDocument: document,
      thresholds: thresholds.filter((t) => t.patient === patient),
      unreadable: unreadableOf(answer, patient),
      measurements: answer.measurements.map((m) => ({
        iri: m.iri, kind: m.kind, value: valueOf(m), ...(m.kind === 'blood-pressure' ? { diastolic: m.diastolic } : {}),
        unit: m.unit, effectiveTime: m.effectiveTime, setting: m.setting, source: m.source, device: m.device,
        // What the sender states (a claim in the data): shown "as stated by", never as the author.
        ...(m.performers?.length ? { performers: m.performers } : {}), ...(m.context?.metaSource ? { metaSource: m.context.metaSource } : {}),
        ...(answers.has(m.iri) ? { answers: answers.get(m.iri) } : {}),
        unreliable: marks.filter((k) => k.measurement === m.iri).map(({ reason, author, authorName, claimedAuthor, created }) => ({
          reason, author, ...(authorName ? { authorName } : {}), ...(claimedAuthor ? { claimedAuthor } : {}), created,
        })),
      })),
    });
  });

  // The patient's readable category containers and their current month documents, subscribed as the clinician.
  app.get('/dashboard/api/live', async (req, res) => {
    const session = await identify(req);
    const team = teamParam(req);
    if (typeof req.query.patient !== 'string') throw new ParameterError('patient', 'patient: the patient\'s WebID');
    const patient = parsePatient('patient', req.query.patient);
    // Refused before any work when the session has its fill; ended from outside when the session ends (logout).
    const closed = deps.liveStreams.add(session, () => (res.headersSent ? res.end() : res.destroy()));
    res.once('close', closed);
    const now = new Date();
    // One month is planned: the current month document of every category; a 403 says the category is not shared.
    const answer = await engine.measurements(session, { team, patient, from: new Date(now.getTime() - 60_000), to: now });
    const topics: LiveTopic[] = [];
    for (const { doc, status } of answer.documents) {
      if (doc.role !== 'measurements' || doc.patient !== patient || !doc.kind) continue;
      if (status !== 'read' && status !== 'not-found') continue;
      const container = doc.url.slice(0, doc.url.lastIndexOf('/') + 1);
      if (!topics.some((t) => t.url === container)) topics.push({ url: container, category: doc.kind });
      topics.push({ url: doc.url, category: doc.kind });
    }
    deps.queryDone(req);
    if (res.destroyed || res.writableEnded) return;
    res.status(200).set({
      'content-type': 'text/event-stream', 'cache-control': 'no-cache, private', connection: 'keep-alive', 'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 5000\n\n');
    await relayNotifications(session.fetch, topics, res, (cleanup) => { req.on('close', cleanup); res.on('close', cleanup); });
  });

  app.post('/dashboard/api/marks', express.json({ limit: '16kb' }), async (req, res) => {
    const session = await identify(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const team = typeof body.team === 'string' ? body.team : '';
    const patient = typeof body.patient === 'string' ? body.patient : '';
    if (!team || !patient) {
      throw new ProblemError(invalidInput([
        ...(!team ? [{ field: 'team', message: 'the team whose patient this is' }] : []),
        ...(!patient ? [{ field: 'patient', message: 'the patient\'s WebID' }] : []),
      ], 'send JSON { team, patient, measurement, reason }'));
    }
    const parsed = parseUnreliableMark({ measurement: body.measurement, reason: body.reason, author: session.webId });
    if (!parsed.ok) throw new ProblemError(invalidInput(parsed.errors, 'send JSON { team, patient, measurement, reason } with a short reason'));
    const mark = parsed.value;
    // Only a measurement this clinician can read, of a patient on the team, is marked:
    // the note is never written anywhere a request names.
    const where = /^(.*\/)health\/measurements\/([a-z-]+)\/(\d{4})-(\d{2})\.ttl#/.exec(mark.measurement);
    const kind = where?.[2];
    if (!where || !kind || !isKindId(kind)) {
      throw new ProblemError(invalidInput([{ field: 'measurement', message: 'must be the IRI of a measurement in a patient\'s health/measurements/' }], 'mark a measurement shown on the dashboard'));
    }
    const monthStart = Date.UTC(Number(where[3]), Number(where[4]) - 1, 1);
    const now = Date.now();
    const answer = await engine.measurements(session, {
      team, patient: parsePatient('patient', patient), kinds: [kind as KindId],
      from: new Date(Math.min(monthStart - 2 * DAY, now - DAY)), to: new Date(Math.min(now, monthStart + 33 * DAY)),
    });
    if (!answer.measurements.some((m) => m.iri === mark.measurement)) {
      throw new ProblemError(problem(404, 'unknown-measurement', 'No such measurement',
        `${mark.measurement} is not a measurement of ${patient} you can read as a member of ${team}`));
    }
    const storage = where[1]!;
    const document = notesDocument(storage, mark.created);
    const outcome = await appendQuads(session.fetch, document, unreliableMarkToQuads(mark, storage));
    if (!outcome.ok) {
      const status = outcome.status === 401 || outcome.status === 403 ? 403 : 502;
      throw new ProblemError(problem(status, status === 403 ? 'notes-not-granted' : 'pod-server-unreachable',
        status === 403 ? 'The patient has not let your organisation write notes' : 'The note could not be saved', outcome.reason));
    }
    res.status(201).set('location', document).json({ ...mark, document });
  });
}
