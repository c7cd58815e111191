/**
 * The texts of "Messages about me" (web/messages-view.ts), in Norwegian
 * (bokmål) and English; i18n.ts adds them to the page's tables.
 */
export const MESSAGES_NB = {
  'nav.messages': 'Meldinger om meg',
  'messages.heading': 'Meldinger om meg',
  'messages.intro': 'Når de som følger deg opp spør hverandre om råd om deg, lagres samtalen i poden din. Her ser du den. Hvem som skrev hva er bekreftet av podtjeneren.',
  'messages.empty': 'Ingen meldinger om deg ennå.',
  'messages.thread': 'Samtale med {team}',
  'messages.request': 'Forespørsel om råd',
  'messages.recommendation': 'Anbefaling',
  'messages.by': 'Skrevet av {who}, {when}',
  'messages.notVerified': 'Forfatter ikke bekreftet',
  'messages.action': 'Anbefalt tiltak: {action}',
  'messages.regards': 'Gjelder {n} av målingene dine',
  'messages.action.continue-follow-up': 'Fortsett oppfølgingen som planlagt',
  'messages.action.measure-more-often': 'Mål oftere',
  'messages.action.start-self-treatment': 'Start egenbehandlingsplanen',
  'messages.action.contact-gp': 'Kontakt fastlegen',
  'messages.action.hospital-assessment': 'Vurdering på sykehus',
};

export const MESSAGES_EN: Record<keyof typeof MESSAGES_NB, string> = {
  'nav.messages': 'Messages about me',
  'messages.heading': 'Messages about me',
  'messages.intro': 'When the people who follow you up ask each other for advice about you, the conversation is kept in your pod. Here you see it. Who wrote what is confirmed by the pod server.',
  'messages.empty': 'No messages about you yet.',
  'messages.thread': 'Conversation with {team}',
  'messages.request': 'Request for advice',
  'messages.recommendation': 'Recommendation',
  'messages.by': 'Written by {who}, {when}',
  'messages.notVerified': 'Author not verified',
  'messages.action': 'Recommended action: {action}',
  'messages.regards': 'About {n} of your measurements',
  'messages.action.continue-follow-up': 'Continue follow-up as planned',
  'messages.action.measure-more-often': 'Measure more often',
  'messages.action.start-self-treatment': 'Start the self-treatment plan',
  'messages.action.contact-gp': 'Contact the GP',
  'messages.action.hospital-assessment': 'Assessment at the hospital',
};
