/** The dashboard's words, Norwegian (bokmål) and English. Kind names come from the catalogue. */
import { kindSpec, type KindId, type Lang } from '../../../vocab/catalogue.ts';

const nb = {
  title: 'Helsevev – hjemmemålinger',
  login: 'Logg inn',
  loginIntro: 'Logg inn med din Helsevev-konto for å se pasientene teamet ditt følger.',
  logout: 'Logg ut',
  team: 'Team',
  patients: 'Pasienter',
  patient: 'Pasient',
  latestSince: 'Siste verdi per måletype (siste {days} dager). ⚠ = over pasientens terskel.',
  noValue: '–',
  notShared: 'ikke delt av pasienten',
  notReadable: 'kunne ikke leses ({reason})',
  flagged: 'over terskel',
  threshold: 'Terskel',
  below: 'under {value} {unit}',
  above: 'over {value} {unit}',
  thresholdFrom: 'fra',
  weeks: 'Periode',
  week: '{n} uke',
  weeksN: '{n} uker',
  sources: 'Kilde (trykk for å vise/skjule)',
  'home-municipality': 'Hjemme, kommunens oppfølging',
  'home-hospital': 'Hjemme, sykehusets oppfølging',
  clinic: 'Målt på legekontor/klinikk',
  unreliableSeries: 'Merket upålitelig',
  thresholdSeries: 'Terskel',
  noData: 'Ingen målinger i perioden: {kinds}',
  notSharedHeading: 'Ikke delt av pasienten',
  notSharedText: 'Pasienten har ikke gitt din organisasjon tilgang til disse måletypene.',
  values: 'Vis verdiene ({n})',
  time: 'Tid',
  value: 'Verdi',
  source: 'Kilde',
  marks: 'Merknad',
  markUnreliable: 'Merk som upålitelig',
  markTitle: 'Merk målingen som upålitelig',
  reason: 'Kort begrunnelse',
  save: 'Lagre',
  cancel: 'Avbryt',
  marked: 'Upålitelig: «{reason}» ({who}, {when})',
  savedMark: 'Målingen er merket som upålitelig.',
  newData: 'Nye målinger er kommet.',
  back: 'Alle pasienter',
  chartOf: 'Diagram: {kind}, {n} målinger, uke for uke',
  weekLabel: 'uke',
  live: 'Oppdateres automatisk',
  error: 'Noe gikk galt: {detail}',
  systolic: '(systolisk)',
  forbidden: 'ikke delt',
};
type Key = keyof typeof nb;
const en: Record<Key, string> = {
  title: 'Helsevev – home measurements',
  login: 'Log in',
  loginIntro: 'Log in with your Helsevev account to see the patients your team follows.',
  logout: 'Log out',
  team: 'Team',
  patients: 'Patients',
  patient: 'Patient',
  latestSince: 'Latest value per kind (last {days} days). ⚠ = crosses the patient\'s threshold.',
  noValue: '–',
  notShared: 'not shared by the patient',
  notReadable: 'could not be read ({reason})',
  flagged: 'crosses threshold',
  threshold: 'Threshold',
  below: 'below {value} {unit}',
  above: 'above {value} {unit}',
  thresholdFrom: 'from',
  weeks: 'Period',
  week: '{n} week',
  weeksN: '{n} weeks',
  sources: 'Source (press to show/hide)',
  'home-municipality': 'At home, municipal follow-up',
  'home-hospital': 'At home, hospital follow-up',
  clinic: 'Measured at the clinic',
  unreliableSeries: 'Marked unreliable',
  thresholdSeries: 'Threshold',
  noData: 'No measurements in this period: {kinds}',
  notSharedHeading: 'Not shared by the patient',
  notSharedText: 'The patient has not given your organisation access to these kinds of measurement.',
  values: 'Show the values ({n})',
  time: 'Time',
  value: 'Value',
  source: 'Source',
  marks: 'Note',
  markUnreliable: 'Mark as unreliable',
  markTitle: 'Mark the measurement as unreliable',
  reason: 'Short reason',
  save: 'Save',
  cancel: 'Cancel',
  marked: 'Unreliable: “{reason}” ({who}, {when})',
  savedMark: 'The measurement is marked as unreliable.',
  newData: 'New measurements have arrived.',
  back: 'All patients',
  chartOf: 'Chart: {kind}, {n} measurements, week by week',
  weekLabel: 'wk',
  live: 'Updates automatically',
  error: 'Something went wrong: {detail}',
  systolic: '(systolic)',
  forbidden: 'not shared',
};

export type { Lang };
export function t(lang: Lang, key: Key, params: Record<string, string | number> = {}): string {
  return ({ nb, en }[lang][key]).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export const kindName = (lang: Lang, kind: KindId) => kindSpec(kind).names[lang];

const LOCALE: Record<Lang, string> = { nb: 'nb-NO', en: 'en-GB' };
export function when(lang: Lang, iso: string): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Oslo' }).format(new Date(iso));
}
export function num(lang: Lang, value: number): string {
  return new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 1 }).format(value);
}
