/**
 * The demo world's questionnaire requests: lunde (OUS lungeteam) asks hans to
 * answer the CAT every week. Written by lunde's own session into hans's
 * health/notes/ (where the patient's grant lets the lung team append), so the
 * pod server attests lunde as its author exactly as for a real request.
 */
import { appendQuads } from '../../apps/shared/append.ts';
import type { PodSession } from '../../apps/shared/pod-session.ts';
import { notesDocument } from '../../apps/shared/measurement/notes.ts';
import { parseQuestionnaireRequest, requestToQuads } from '../../apps/shared/questionnaire/request.ts';
import { podUrlOf, webIdOf } from './demo-world.ts';

export const DEMO_QUESTIONNAIRE_REQUESTS = [
  { from: 'lunde', to: 'hans', questionnaire: 'cat', schedule: 'weekly' },
] as const;

export async function seedQuestionnaireRequests(sessionFor: (name: string) => Promise<PodSession>, baseUrl: string, created: string): Promise<number> {
  for (const r of DEMO_QUESTIONNAIRE_REQUESTS) {
    const parsed = parseQuestionnaireRequest({
      patient: webIdOf(baseUrl, r.to), author: webIdOf(baseUrl, r.from), questionnaire: r.questionnaire, schedule: r.schedule, created: new Date(created),
    });
    if (!parsed.ok) throw new Error(`demo request ${r.from} -> ${r.to}: ${parsed.errors.map((e) => e.message).join('; ')}`);
    const pod = podUrlOf(baseUrl, r.to);
    const outcome = await appendQuads((await sessionFor(r.from)).fetch, notesDocument(pod, parsed.value.created), requestToQuads(parsed.value, pod));
    if (!outcome.ok) throw new Error(`demo request ${r.from} -> ${r.to}: the pod answered ${outcome.status ?? 'nothing'}`);
  }
  return DEMO_QUESTIONNAIRE_REQUESTS.length;
}
