/**
 * A stored questionnaire response as a FHIR R4 QuestionnaireResponse and
 * back. Out: status completed, the patient as subject and author, each item
 * with its one answer. In: the resource is checked once (known questionnaire,
 * completed, subject = author, a time), its answers through scoreAnswers, so
 * an imported response is held to the same rules as one typed on the page.
 */
import type { QuestionnaireResponse, QuestionnaireResponseItemAnswer } from 'fhir/r4.js';
import type { FieldError, Validated } from '../measurement/errors.ts';
import { identityHash } from '../measurement/identity.ts';
import { scoreAnswers } from './answers.ts';
import { questionnaireById, questionnaireByUrl } from './catalogue.ts';
import { answersOf, RESPONSE_SYSTEM, type QuestionnaireAnswers } from './response.ts';
import type { StoredAnswers } from './rdf.ts';

export function responseToFhir(r: StoredAnswers): QuestionnaireResponse {
  const entry = questionnaireById(r.questionnaire)!;
  const answer = (a: StoredAnswers['items'][number]['answer']): QuestionnaireResponseItemAnswer => {
    switch (a.type) {
      case 'coding': return { valueCoding: { system: a.system, code: a.code, ...(a.display ? { display: a.display } : {}) } };
      case 'boolean': return { valueBoolean: a.value };
      case 'integer': return { valueInteger: a.value };
      case 'string': return { valueString: a.value };
    }
  };
  return {
    resourceType: 'QuestionnaireResponse',
    id: identityHash(r.iri),
    identifier: { system: RESPONSE_SYSTEM, value: r.iri },
    questionnaire: entry.questionnaire.url,
    status: 'completed',
    subject: { reference: r.patient },
    author: { reference: r.patient },
    authored: r.authored,
    item: r.items.map((i) => ({ linkId: i.linkId, answer: [answer(i.answer)] })),
  };
}

/** A FHIR QuestionnaireResponse (untrusted JSON) into checked answers, or what is wrong with it. */
export function fhirToAnswers(resource: unknown): Validated<QuestionnaireAnswers> {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => { errors.push({ field, message }); };
  const qr = (typeof resource === 'object' && resource !== null ? resource : {}) as Partial<QuestionnaireResponse>;
  if (qr.resourceType !== 'QuestionnaireResponse') fail('resourceType', 'must be "QuestionnaireResponse"');
  const entry = typeof qr.questionnaire === 'string' ? questionnaireByUrl(qr.questionnaire.replace(/\|.*$/, '')) : undefined;
  if (!entry) fail('questionnaire', 'must be the canonical URL of a questionnaire Helsevev knows (CAT, mMRC, the municipal COPD follow-up form)');
  if (qr.status !== 'completed') fail('status', 'only a completed response is taken ("completed")');
  const patient = qr.subject?.reference;
  if (typeof patient !== 'string' || !/^https?:\/\//.test(patient)) fail('subject/reference', 'must be the patient\'s WebID');
  if (qr.author?.reference !== patient) fail('author/reference', 'the patient answers their own questionnaire: author must be the subject');
  const authored = typeof qr.authored === 'string' ? new Date(qr.authored) : undefined;
  if (!authored || Number.isNaN(authored.getTime()) || !/[Zz]|[+-]\d\d:\d\d$/.test(qr.authored!)) fail('authored', 'must be a date and time with a time zone');
  const raw: Record<string, string | boolean | number | undefined> = {};
  (Array.isArray(qr.item) ? qr.item : []).forEach((item, n) => {
    const answers = Array.isArray(item?.answer) ? item.answer : [];
    if (typeof item?.linkId !== 'string' || answers.length !== 1) { fail(`item/${n}`, 'each item needs a linkId and exactly one answer'); return; }
    const a = answers[0]!;
    raw[item.linkId] = a.valueCoding?.code ?? a.valueBoolean ?? a.valueInteger ?? a.valueString;
  });
  if (errors.length > 0 || !entry) return { ok: false, errors };
  const scored = scoreAnswers(entry.id, raw);
  if (!scored.ok) return { ok: false, errors: scored.errors.map(({ field, message }) => ({ field, message })) };
  return { ok: true, value: answersOf(patient!, scored.value, authored!) };
}
