/**
 * A questionnaire response as RDF, both ways, with FHIR QuestionnaireResponse
 * semantics and no blank nodes (vocab/helsevev.ttl, Questionnaires):
 *
 *   <doc#response-…> a hv:QuestionnaireResponse ; hv:questionnaire <{url}> ;
 *       dct:created "…"^^xsd:dateTime ; prov:wasAttributedTo <patient> ;
 *       sosa:hasFeatureOfInterest <patient> ; hv:score <the score's IRI> ;
 *       hv:item <doc#response-…-cat-1> , … .
 *   <doc#response-…-cat-1> a hv:ResponseItem ; hv:linkId "cat-1" ;
 *       hv:questionnaireItem <{url}#cat-1> ; hv:answerCoding <…-cat-1-answer> .
 *   <…-cat-1-answer> a hv:Coding ; hv:codeSystem "…"^^xsd:anyURI ; hv:code "3" .
 *
 * Reading back reports anything that does not read as a response in
 * `problems`, never guesses. The answers read back are checked against the
 * questionnaire again (scoreAnswers), so a response edited by hand into
 * something the questionnaire does not allow is a problem, not an answer.
 */
import { DataFactory, Store, type Quad, type Term } from 'n3';
import { DCT, HV, PROV, RDF, SOSA, XSD } from '../../../vocab/terms.ts';
import { measurementIri } from '../measurement/identity.ts';
import { scoreAnswers, type AnswerValue, type ItemAnswer } from './answers.ts';
import { questionnaireById, questionnaireByUrl } from './catalogue.ts';
import { responseIri, scoreMeasurement, type QuestionnaireAnswers } from './response.ts';

const { namedNode, literal, quad } = DataFactory;

/** The quads of a response stored in the pod at `storage` (the score's own quads come from the measurement mapping). */
export function responseToQuads(answers: QuestionnaireAnswers, storage: string): Quad[] {
  const entry = questionnaireById(answers.questionnaire);
  const iri = responseIri(storage, answers);
  if (!entry || !iri) throw new Error(`questionnaire ${answers.questionnaire} has no place in the pod (it gives no score)`);
  const quads: Quad[] = [];
  const add = (s: string, p: string, o: Quad['object']) => quads.push(quad(namedNode(s), namedNode(p), o));
  add(iri, RDF.type, namedNode(HV.QuestionnaireResponse));
  add(iri, HV.questionnaire, namedNode(entry.questionnaire.url));
  add(iri, DCT.created, literal(answers.authored, namedNode(XSD.dateTime)));
  add(iri, PROV.wasAttributedTo, namedNode(answers.patient));
  add(iri, SOSA.hasFeatureOfInterest, namedNode(answers.patient));
  const score = scoreMeasurement(storage, answers);
  if (score) add(iri, HV.score, namedNode(measurementIri(storage, score)));
  for (const { linkId, answer } of answers.items) {
    const item = `${iri}-${linkId}`;
    add(iri, HV.item, namedNode(item));
    add(item, RDF.type, namedNode(HV.ResponseItem));
    add(item, HV.linkId, literal(linkId));
    add(item, HV.questionnaireItem, namedNode(`${entry.questionnaire.url}#${linkId}`));
    switch (answer.type) {
      case 'coding': {
        const coding = `${item}-answer`;
        add(item, HV.answerCoding, namedNode(coding));
        add(coding, RDF.type, namedNode(HV.Coding));
        add(coding, HV.codeSystem, literal(answer.system, namedNode(XSD.anyURI)));
        add(coding, HV.code, literal(answer.code));
        break;
      }
      case 'boolean': add(item, HV.valueBoolean, literal(String(answer.value), namedNode(XSD.boolean))); break;
      case 'integer': add(item, HV.valueInteger, literal(String(answer.value), namedNode(XSD.integer))); break;
      case 'string': add(item, HV.valueString, literal(answer.value)); break;
    }
  }
  return quads;
}

export type StoredAnswers = QuestionnaireAnswers & { readonly iri: string; /** The score measurement's IRI. */ readonly scoreIri?: string };

export interface ParsedResponses {
  responses: StoredAnswers[];
  problems: { iri: string; problem: string }[];
}

function one(store: Store, subject: Term, predicate: string): Term {
  const objects = store.getObjects(subject, predicate, null);
  if (objects.length !== 1) throw new Error(`expected exactly one <${predicate}>, found ${objects.length}`);
  return objects[0]!;
}

function readAnswer(store: Store, item: Term): AnswerValue {
  const codings = store.getObjects(item, HV.answerCoding, null);
  const forms = [codings.length, ...[HV.valueBoolean, HV.valueInteger, HV.valueString].map((p) => store.getObjects(item, p, null).length)];
  if (forms.reduce((a, b) => a + b, 0) !== 1) throw new Error(`item <${item.value}> needs exactly one answer`);
  if (codings[0]) return { type: 'coding', system: one(store, codings[0], HV.codeSystem).value, code: one(store, codings[0], HV.code).value };
  const [b] = store.getObjects(item, HV.valueBoolean, null);
  if (b) return { type: 'boolean', value: b.value === 'true' };
  const [i] = store.getObjects(item, HV.valueInteger, null);
  if (i) return { type: 'integer', value: Number(i.value) };
  return { type: 'string', value: one(store, item, HV.valueString).value };
}

/** The raw form answers `scoreAnswers` takes, from typed answers (to check stored or imported answers again). */
export function rawOf(items: readonly ItemAnswer[]): Record<string, string | boolean> {
  return Object.fromEntries(items.map(({ linkId, answer }) => [linkId, answer.type === 'coding' ? answer.code : answer.type === 'boolean' ? answer.value : String(answer.value)]));
}

function readResponse(store: Store, subject: Term): StoredAnswers {
  const url = one(store, subject, HV.questionnaire).value;
  const entry = questionnaireByUrl(url);
  if (!entry) throw new Error(`unknown questionnaire <${url}>`);
  const patient = one(store, subject, PROV.wasAttributedTo).value;
  if (one(store, subject, SOSA.hasFeatureOfInterest).value !== patient) throw new Error('a response is about the patient who answered it');
  const items = store.getObjects(subject, HV.item, null).map((item) => ({ linkId: one(store, item, HV.linkId).value, answer: readAnswer(store, item) }));
  for (const { linkId, answer } of items) {
    if (answer.type === 'coding' && !entry.questionnaire.item?.find((i) => i.linkId === linkId)?.answerOption?.some((o) => o.valueCoding?.system === answer.system && o.valueCoding?.code === answer.code)) {
      throw new Error(`item ${linkId}: ${answer.system}|${answer.code} is not one of its answers`);
    }
  }
  const checked = scoreAnswers(entry.id, rawOf(items));
  if (!checked.ok) throw new Error(checked.errors.map((e) => `${e.linkId}: ${e.message}`).join('; '));
  const scores = store.getObjects(subject, HV.score, null);
  return {
    iri: subject.value, questionnaire: entry.id, patient, authored: one(store, subject, DCT.created).value,
    items: checked.value.items, ...(checked.value.score ? { score: checked.value.score } : {}),
    ...(scores.length === 1 ? { scoreIri: scores[0]!.value } : {}),
  };
}

export function quadsToResponses(quads: Iterable<Quad> | Store): ParsedResponses {
  const store = quads instanceof Store ? quads : new Store([...quads]);
  const result: ParsedResponses = { responses: [], problems: [] };
  for (const subject of store.getSubjects(RDF.type, HV.QuestionnaireResponse, null)) {
    try {
      result.responses.push(readResponse(store, subject));
    } catch (e) {
      result.problems.push({ iri: subject.value, problem: (e as Error).message });
    }
  }
  result.responses.sort((a, b) => Date.parse(a.authored) - Date.parse(b.authored) || a.iri.localeCompare(b.iri));
  return result;
}
