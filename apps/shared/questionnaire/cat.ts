/**
 * The COPD Assessment Test (CAT) as a FHIR R4 Questionnaire: eight items,
 * each answered 0-5 on a scale between two opposite statements; the score is
 * the sum, 0-40 (scoring.ts). The wording here is a short paraphrase of each
 * item's two anchors, Norwegian first; a service that licenses the official
 * Norwegian CAT text replaces the texts, never the linkIds or the values.
 */
import type { Questionnaire, QuestionnaireItem } from 'fhir/r4.js';
import { english, ORDINAL_VALUE } from './text.ts';

export const CAT_URL = 'https://w3id.org/helsevev/questionnaires/cat';
/** The answer codes of every CAT item: 0-5 (the points they count for). */
export const CAT_ANSWERS = 'https://w3id.org/helsevev/questionnaires/cat/answers';

/** [linkId, nb low, en low, nb high, en high, nb item, en item] */
const ITEMS: readonly (readonly [string, string, string, string, string, string, string])[] = [
  ['cat-1', 'Jeg hoster aldri', 'I never cough', 'Jeg hoster hele tiden', 'I cough all the time', 'Hoste', 'Cough'],
  ['cat-2', 'Jeg har ikke slim i brystet', 'I have no phlegm in my chest', 'Brystet er fullt av slim', 'My chest is full of phlegm', 'Slim i brystet', 'Phlegm in the chest'],
  ['cat-3', 'Brystet føles ikke trangt', 'My chest does not feel tight', 'Brystet føles svært trangt', 'My chest feels very tight', 'Trykk i brystet', 'Tightness of the chest'],
  ['cat-4', 'Jeg blir ikke andpusten i en bakke eller trapp', 'I am not breathless going up a hill or one flight of stairs', 'Jeg blir svært andpusten i en bakke eller trapp', 'I am very breathless going up a hill or one flight of stairs', 'Andpustenhet i bakker og trapper', 'Breathlessness on hills and stairs'],
  ['cat-5', 'Jeg er ikke begrenset i det jeg gjør hjemme', 'I am not limited doing activities at home', 'Jeg er svært begrenset i det jeg gjør hjemme', 'I am very limited doing activities at home', 'Aktiviteter hjemme', 'Activities at home'],
  ['cat-6', 'Jeg er trygg på å gå ut til tross for lungesykdommen', 'I am confident leaving my home despite my lung condition', 'Jeg er ikke trygg på å gå ut på grunn av lungesykdommen', 'I am not at all confident leaving my home because of my lung condition', 'Trygghet utenfor hjemmet', 'Confidence leaving home'],
  ['cat-7', 'Jeg sover godt', 'I sleep soundly', 'Jeg sover dårlig på grunn av lungesykdommen', 'I do not sleep soundly because of my lung condition', 'Søvn', 'Sleep'],
  ['cat-8', 'Jeg har mye energi', 'I have lots of energy', 'Jeg har ingen energi', 'I have no energy at all', 'Energi', 'Energy'],
];

function catItem([linkId, nbLow, enLow, nbHigh, enHigh, nbItem, enItem]: (typeof ITEMS)[number]): QuestionnaireItem {
  return {
    linkId,
    text: `${nbItem}: fra 0 («${nbLow}») til 5 («${nbHigh}»)`,
    _text: english(`${enItem}: from 0 ("${enLow}") to 5 ("${enHigh}")`),
    type: 'choice',
    required: true,
    answerOption: [0, 1, 2, 3, 4, 5].map((n) => ({
      valueCoding: {
        system: CAT_ANSWERS, code: String(n),
        display: n === 0 ? `0 – ${nbLow}` : n === 5 ? `5 – ${nbHigh}` : String(n),
        ...(n === 0 || n === 5 ? { _display: english(n === 0 ? `0 – ${enLow}` : `5 – ${enHigh}`) } : {}),
        extension: [{ url: ORDINAL_VALUE, valueDecimal: n }],
      },
    })),
  };
}

export const CAT_QUESTIONNAIRE: Questionnaire = {
  resourceType: 'Questionnaire',
  id: 'cat',
  url: CAT_URL,
  version: '1',
  name: 'CopdAssessmentTest',
  title: 'KOLS-vurderingstest (CAT)',
  _title: english('COPD Assessment Test (CAT)'),
  status: 'active',
  subjectType: ['Patient'],
  description: 'Hvor mye KOLS påvirker hverdagen din: åtte spørsmål, 0-5 poeng hver, til sammen 0-40.',
  _description: english('How much COPD affects your daily life: eight questions, 0-5 points each, 0-40 in all.'),
  item: ITEMS.map(catItem),
};
