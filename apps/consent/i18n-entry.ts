/**
 * The texts of "Enter a measurement" (web/entry-view.ts), in Norwegian
 * (bokmål) and English; i18n.ts adds them to the page's tables, whose unit
 * test checks both languages have every key with the same {placeholders}.
 */
export const ENTRY_NB = {
  'nav.entry': 'Registrer måling',
  'entry.heading': 'Registrer en måling selv',
  'entry.intro': 'Har du målt noe uten et tilkoblet apparat, kan du skrive det inn her. Det lagres i poden din som «registrert av pasienten», og de du deler målingene med ser det slik.',
  'entry.kind': 'Type måling',
  'entry.value': 'Verdi ({unit})',
  'entry.systolic': 'Øvre trykk, systolisk ({unit})',
  'entry.diastolic': 'Nedre trykk, diastolisk ({unit})',
  'entry.time': 'Tidspunkt',
  'entry.save': 'Lagre målingen',
  'entry.saving': 'Lagrer …',
  'entry.saved': 'Lagret: {kind} {value}, {when}. Registrert av deg.',
  'entry.errors': 'Målingen ble ikke lagret. Rett opp dette:',
  'entry.error.number': 'Skriv et tall, for eksempel {example}.',
  'entry.error.range': '{value} er ikke en mulig verdi. Den må være mellom {min} og {max} {unit}.',
  'entry.error.order': 'Det nedre trykket må være lavere enn det øvre. Har du byttet om på dem?',
  'entry.error.future': 'Tidspunktet er i fremtiden. Velg når du faktisk målte.',
  'entry.error.time': 'Velg dato og klokkeslett for målingen.',
  'entry.error.kind': 'Velg hva du har målt.',
} as const;

export const ENTRY_EN: Record<keyof typeof ENTRY_NB, string> = {
  'nav.entry': 'Enter a measurement',
  'entry.heading': 'Enter a measurement yourself',
  'entry.intro': 'If you measured something without a connected device, you can type it in here. It is stored in your pod as "entered by the patient", and those you share your measurements with see it that way.',
  'entry.kind': 'Kind of measurement',
  'entry.value': 'Value ({unit})',
  'entry.systolic': 'Upper pressure, systolic ({unit})',
  'entry.diastolic': 'Lower pressure, diastolic ({unit})',
  'entry.time': 'Time',
  'entry.save': 'Save the measurement',
  'entry.saving': 'Saving …',
  'entry.saved': 'Saved: {kind} {value}, {when}. Entered by you.',
  'entry.errors': 'The measurement was not saved. Please correct this:',
  'entry.error.number': 'Type a number, for example {example}.',
  'entry.error.range': '{value} is not a possible value. It must be between {min} and {max} {unit}.',
  'entry.error.order': 'The lower pressure must be lower than the upper one. Are they swapped?',
  'entry.error.future': 'The time is in the future. Choose when you actually measured.',
  'entry.error.time': 'Choose the date and time of the measurement.',
  'entry.error.kind': 'Choose what you measured.',
};
