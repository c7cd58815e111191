/**
 * The modified Medical Research Council (mMRC) dyspnoea scale as a FHIR R4
 * Questionnaire: one item, the grade 0-4 that describes the patient's
 * breathlessness; the score is the grade itself (scoring.ts). Grade n of the
 * mMRC is grade n+1 of the original MRC scale: the answers say "mMRC" in
 * their code system so the two are never mixed up.
 */
import type { Questionnaire } from 'fhir/r4.js';
import { english, ORDINAL_VALUE } from './text.ts';

export const MMRC_URL = 'https://w3id.org/helsevev/questionnaires/mmrc';
export const MMRC_ANSWERS = 'https://w3id.org/helsevev/questionnaires/mmrc/grades';

const GRADES: readonly (readonly [string, string])[] = [
  ['Jeg blir bare andpusten ved hard fysisk anstrengelse', 'I only get breathless with strenuous exercise'],
  ['Jeg blir andpusten når jeg skynder meg på flatt underlag eller går opp en liten bakke', 'I get short of breath when hurrying on the level or walking up a slight hill'],
  ['Jeg går saktere enn jevnaldrende på flatt underlag på grunn av andpustenhet, eller må stoppe for å puste når jeg går i eget tempo', 'I walk slower than people of my age on the level because of breathlessness, or have to stop for breath when walking at my own pace'],
  ['Jeg må stoppe for å puste etter omtrent 100 meter eller etter noen minutter på flatt underlag', 'I stop for breath after walking about 100 metres or after a few minutes on the level'],
  ['Jeg er for andpusten til å gå ut, eller blir andpusten når jeg kler på meg', 'I am too breathless to leave the house, or I am breathless when dressing'],
];

export const MMRC_QUESTIONNAIRE: Questionnaire = {
  resourceType: 'Questionnaire',
  id: 'mmrc',
  url: MMRC_URL,
  version: '1',
  name: 'ModifiedMrcDyspnoeaScale',
  title: 'Pustebesvær (mMRC)',
  _title: english('Breathlessness (mMRC)'),
  status: 'active',
  subjectType: ['Patient'],
  description: 'Hvilken beskrivelse passer best for pustebesværet ditt? Grad 0-4.',
  _description: english('Which description fits your breathlessness best? Grade 0-4.'),
  item: [{
    linkId: 'mmrc-grade',
    text: 'Velg det som passer best for deg',
    _text: english('Choose what fits you best'),
    type: 'choice',
    required: true,
    answerOption: GRADES.map(([nb, en], grade) => ({
      valueCoding: {
        system: MMRC_ANSWERS, code: String(grade),
        display: `${grade} – ${nb}`, _display: english(`${grade} – ${en}`),
        extension: [{ url: ORDINAL_VALUE, valueDecimal: grade }],
      },
    })),
  }],
};
