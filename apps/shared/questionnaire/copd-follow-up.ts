/**
 * The municipal COPD follow-up form as a FHIR R4 Questionnaire: what the
 * follow-up centre asks a COPD patient at home (breathlessness, cough, sputum
 * amount and colour, fever, medicine use, how the patient feels today). It
 * has no published scoring rule, so it gives no score: the answers are what
 * the nurse reads. Its own code systems name the answers; no SNOMED CT or
 * LOINC codes are claimed for them.
 */
import type { Questionnaire, QuestionnaireItem } from 'fhir/r4.js';
import { english, MAX_VALUE, MIN_VALUE } from './text.ts';

export const COPD_FOLLOW_UP_URL = 'https://w3id.org/helsevev/questionnaires/copd-follow-up';
const ANSWERS = `${COPD_FOLLOW_UP_URL}/answers`;

type Option = readonly [code: string, nb: string, en: string];

const CHANGE: readonly Option[] = [
  ['better', 'Bedre enn vanlig', 'Better than usual'],
  ['usual', 'Som vanlig', 'As usual'],
  ['worse', 'Verre enn vanlig', 'Worse than usual'],
  ['much-worse', 'Mye verre enn vanlig', 'Much worse than usual'],
];

function choice(linkId: string, nb: string, en: string, options: readonly Option[]): QuestionnaireItem {
  return {
    linkId, text: nb, _text: english(en), type: 'choice', required: true,
    answerOption: options.map(([code, optionNb, optionEn]) => ({
      valueCoding: { system: `${ANSWERS}/${linkId}`, code, display: optionNb, _display: english(optionEn) },
    })),
  };
}

export const COPD_FOLLOW_UP_QUESTIONNAIRE: Questionnaire = {
  resourceType: 'Questionnaire',
  id: 'copd-follow-up',
  url: COPD_FOLLOW_UP_URL,
  version: '1',
  name: 'MunicipalCopdFollowUp',
  title: 'KOLS-oppfølging fra kommunen',
  _title: english('Municipal COPD follow-up'),
  status: 'active',
  subjectType: ['Patient'],
  description: 'Hvordan har du det med lungene i dag, sammenlignet med hvordan det pleier å være?',
  _description: english('How are your lungs today, compared with how they usually are?'),
  item: [
    choice('breathlessness', 'Pustebesvær', 'Breathlessness', CHANGE),
    choice('cough', 'Hoste', 'Cough', CHANGE),
    choice('sputum-amount', 'Mengde slim', 'Amount of sputum', [
      ['none', 'Ikke noe slim', 'No sputum'], ['less', 'Mindre enn vanlig', 'Less than usual'],
      ['usual', 'Som vanlig', 'As usual'], ['more', 'Mer enn vanlig', 'More than usual'],
    ]),
    choice('sputum-colour', 'Farge på slimet', 'Colour of the sputum', [
      ['none', 'Ikke noe slim', 'No sputum'], ['clear', 'Klart eller hvitt', 'Clear or white'],
      ['yellow', 'Gult', 'Yellow'], ['green', 'Grønt', 'Green'], ['brown-or-blood', 'Brunt eller med blod', 'Brown or with blood'],
    ]),
    { linkId: 'fever', text: 'Har du feber (over 38 °C)?', _text: english('Do you have a fever (above 38 °C)?'), type: 'boolean', required: true },
    choice('medicine-use', 'Medisinbruk', 'Medicine use', [
      ['usual', 'Som vanlig', 'As usual'],
      ['more-reliever', 'Mer anfallsmedisin enn vanlig', 'More reliever medicine than usual'],
      ['rescue-pack', 'Har startet med antibiotika eller kortison fra egen pakke', 'Started antibiotics or steroids from my own rescue pack'],
    ]),
    {
      linkId: 'feeling-today', text: 'Hvordan har du det i dag? 0 = svært dårlig, 10 = svært bra',
      _text: english('How do you feel today? 0 = very bad, 10 = very good'), type: 'integer', required: true,
      extension: [{ url: MIN_VALUE, valueInteger: 0 }, { url: MAX_VALUE, valueInteger: 10 }],
    },
    { linkId: 'comment', text: 'Noe mer du vil si til oss? (valgfritt)', _text: english('Anything else you want to tell us? (optional)'), type: 'text', required: false, maxLength: 500 },
  ],
};
