/**
 * The texts of "My plan" (web/plan-view.ts) and of the plan's step shown
 * after a hand entry, in Norwegian (bokmål) and English; i18n.ts adds them
 * to the page's tables (its unit test checks both languages alike).
 */
export const PLAN_NB = {
  'nav.plan': 'Min plan',
  'plan.heading': 'Min plan',
  'plan.intro': 'Her er planen behandlerne dine har skrevet for deg: hva du gjør når en måling går over eller under en grense. Bare planer der podserveren har bekreftet hvem som skrev dem, vises.',
  'plan.none': 'Du har ingen plan ennå. Legen eller teamet ditt kan skrive en hvis du har gitt dem lov.',
  'plan.forbidden': 'Planene dine kunne ikke leses ({status}).',
  'plan.failed': 'Planene dine kunne ikke leses akkurat nå. Prøv igjen senere.',
  'plan.notVerified': '{n} plandokument i poden din har ingen bekreftet forfatter og vises ikke.',
  'plan.from': 'Plan fra {who}, {when}',
  'plan.fromYou': 'deg selv',
  'plan.fromUnlisted': '{webId} (står ikke i katalogen over helsetjenester)',
  'plan.stepsCaption': 'Trinnene i planen, det mildeste først',
  'plan.step.above': 'Over {threshold} {unit}',
  'plan.step.below': 'Under {threshold} {unit}',
  'plan.step.level': 'Trinn {n}',
  'plan.latest': 'Siste måling: {value} {unit}, {when}.',
  'plan.latestInside': 'Siste måling: {value} {unit}, {when}. Den er innenfor planen.',
  'plan.nowThisStep': 'Dette trinnet gjelder nå',
  'plan.advice.heading': 'Planen din sier',
  'plan.advice.above': 'Målingen din, {value} {unit}, er over {threshold} {unit}. Gjør dette:',
  'plan.advice.below': 'Målingen din, {value} {unit}, er under {threshold} {unit}. Gjør dette:',
  'plan.advice.link': 'Se hele planen',
} as const;

export const PLAN_EN: Record<keyof typeof PLAN_NB, string> = {
  'nav.plan': 'My plan',
  'plan.heading': 'My plan',
  'plan.intro': 'This is the plan your clinicians have written for you: what to do when a reading goes above or below a limit. Only plans whose writer the pod server has confirmed are shown.',
  'plan.none': 'You have no plan yet. Your doctor or team can write one if you have let them.',
  'plan.forbidden': 'Your plans could not be read ({status}).',
  'plan.failed': 'Your plans could not be read just now. Please try again later.',
  'plan.notVerified': '{n} plan document(s) in your pod have no confirmed writer and are not shown.',
  'plan.from': 'Plan from {who}, {when}',
  'plan.fromYou': 'yourself',
  'plan.fromUnlisted': '{webId} (not in the directory of health services)',
  'plan.stepsCaption': 'The steps of the plan, the mildest first',
  'plan.step.above': 'Above {threshold} {unit}',
  'plan.step.below': 'Below {threshold} {unit}',
  'plan.step.level': 'Step {n}',
  'plan.latest': 'Latest reading: {value} {unit}, {when}.',
  'plan.latestInside': 'Latest reading: {value} {unit}, {when}. It is within the plan.',
  'plan.nowThisStep': 'This step applies now',
  'plan.advice.heading': 'Your plan says',
  'plan.advice.above': 'Your reading, {value} {unit}, is above {threshold} {unit}. Do this:',
  'plan.advice.below': 'Your reading, {value} {unit}, is below {threshold} {unit}. Do this:',
  'plan.advice.link': 'See the whole plan',
};
