/**
 * The patient's self-treatment plan on the dashboard (docs/dashboard.md, "My plan"):
 *
 *   GET  /dashboard/api/plans?team=&patient=   the current plan per kind, its attested author
 *   POST /dashboard/api/plans                  { team, patient, plan: { kind, unit?, steps } }: a new version
 *
 * Both run as the logged-in clinician, for a patient on a team they are a
 * member of; the patient's ACL on health/plans/ decides the rest (Read for
 * the teams she shares with, Append for those she lets write her plan). A
 * plan is checked here before anything is sent (apps/shared/plan/plan.ts):
 * bad input is a 422 problem+json naming each field, and nothing is written.
 * The author shown is the pod server's attestation, named from the author's
 * public profile (like a mark's, people.ts); never what the plan claims.
 */
import express, { type Request } from 'express';
import { NS } from '../../../vocab/terms.ts';
import { toOsloIso } from '../../shared/measurement/identity.ts';
import { parsePlanInput } from '../../shared/plan/plan.ts';
import { readPlans, writePlan } from '../../shared/plan/plan-pod.ts';
import type { ShownPlan } from '../../shared/plan/plan-rdf.ts';
import type { PodSession } from '../../shared/pod-session.ts';
import { invalidInput, problem, ProblemError } from '../../shared/problem.ts';
import type { ClinicianQueryEngine } from '../engine/engine.ts';
import { parsePatient } from '../engine/params.ts';

export interface PlanRouteDeps {
  readonly engine: ClinicianQueryEngine;
  readonly identify: (req: Request) => Promise<PodSession>;
}

const literalOf = (quads: readonly { subject: { value: string }; predicate: { value: string }; object: { value: string; termType: string } }[], s: string, p: string) =>
  quads.find((q) => q.subject.value === s && q.predicate.value === p && q.object.termType === 'Literal')?.object.value;

/** The patient on `team` (a team the clinician is a member of) and their pod (the profile's pim:storage holding the WebID). */
async function patientOnTeam(engine: ClinicianQueryEngine, session: PodSession, team: unknown, patient: unknown): Promise<{ team: string; patient: string; storage: string }> {
  if (typeof team !== 'string' || !team || typeof patient !== 'string' || !patient) {
    throw new ProblemError(invalidInput([
      ...(typeof team !== 'string' || !team ? [{ field: 'team', message: 'the team whose patient this is' }] : []),
      ...(typeof patient !== 'string' || !patient ? [{ field: 'patient', message: 'the patient\'s WebID' }] : []),
    ], 'say which team and patient; nothing was written'));
  }
  const webId = parsePatient('patient', patient);
  const found = (await engine.teams(session)).find((t) => t.name === team);
  if (!found?.patients) throw new ProblemError(problem(403, 'not-team-member', 'You are not in this team', `only members of ${team} see its patients' plans`));
  if (!found.patients.includes(webId)) throw new ProblemError(problem(404, 'not-on-team', 'No such patient on the team', `${webId} is not on ${team}'s list`));
  const profile = await engine.publicProfile(webId);
  const storage = profile.filter((q) => q.subject.value === webId && q.predicate.value === `${NS.pim}storage` && webId.startsWith(q.object.value) && q.object.value.endsWith('/'))[0]?.object.value;
  if (!storage) throw new ProblemError(problem(502, 'no-storage', 'The patient\'s pod was not found', `the profile of ${webId} names no pod (pim:storage) holding it`));
  return { team, patient: webId, storage };
}

/** A plan for the page, with its attested author's name and organisation as their public profile states them. */
async function planForPage(engine: ClinicianQueryEngine, plan: ShownPlan) {
  const profile = await engine.publicProfile(plan.attestedAuthor).catch(() => []);
  const name = literalOf(profile, plan.attestedAuthor, `${NS.foaf}name`) ?? literalOf(profile, plan.attestedAuthor, `${NS.vcard}fn`);
  const organisation = literalOf(profile, plan.attestedAuthor, `${NS.vcard}organization-name`);
  return {
    kind: plan.kind, unit: plan.unit, steps: plan.steps, document: plan.document,
    author: plan.attestedAuthor, ...(name ? { authorName: name } : {}), ...(organisation ? { authorOrganisation: organisation } : {}),
    at: plan.attestedAt, ...(plan.author !== plan.attestedAuthor ? { claimedAuthor: plan.author } : {}),
  };
}

export function mountPlanRoutes(app: express.Express, { engine, identify }: PlanRouteDeps): void {
  app.get('/dashboard/api/plans', async (req, res) => {
    const session = await identify(req);
    const { team, patient, storage } = await patientOnTeam(engine, session, req.query.team, req.query.patient);
    const read = await readPlans(session.fetch, storage, patient);
    res.set({ 'cache-control': 'no-cache, private', vary: 'cookie, authorization' }).json({
      team, patient, status: read.status,
      plans: read.status === 'read' ? await Promise.all(read.current.map((p) => planForPage(engine, p))) : [],
      notVerified: read.status === 'read' ? read.notVerified.length : 0,
    });
  });

  app.post('/dashboard/api/plans', express.json({ limit: '32kb' }), async (req, res) => {
    const session = await identify(req);
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const { patient, storage } = await patientOnTeam(engine, session, body.team, body.patient);
    const input = (typeof body.plan === 'object' && body.plan !== null ? body.plan : {}) as Record<string, unknown>;
    const parsed = parsePlanInput(input, { patient, author: session.webId, created: toOsloIso(new Date()) });
    if (!parsed.ok) {
      throw new ProblemError(invalidInput(parsed.errors.map((e) => ({ ...e, field: e.field === 'patient' || e.field === 'author' ? e.field : `plan/${e.field}` })),
        'the plan was not saved: correct the fields named and send it again'));
    }
    const { document, outcome } = await writePlan(session.fetch, storage, parsed.value);
    if (!outcome.ok) {
      const refused = outcome.status === 401 || outcome.status === 403;
      throw new ProblemError(problem(refused ? 403 : 502, refused ? 'plan-not-granted' : 'pod-server-unreachable',
        refused ? 'The patient has not let your team write their plan' : 'The plan could not be saved',
        refused ? `${patient} lets only the teams they chose write their self-treatment plan; yours is not one of them` : outcome.reason));
    }
    res.status(201).set('location', document).json({ document, plan: parsed.value });
  });
}
