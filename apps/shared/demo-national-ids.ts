/**
 * The demo patients' *synthetic* Norwegian national identity numbers
 * (fødselsnummer; month + 80, the convention for test numbers, with valid
 * check digits: no real person has them), by the demo patient's account
 * name. Shared because two parts know the same people by them: the demo
 * vendor's devices pair with them (apps/gateway/demo-enrolments.ts), and the
 * demo organisations' team lists name their patients by them
 * (pod-server/world/teams.ts), so a record system can search by them.
 * Never a real person's number; nothing in production reads this.
 */
export const DEMO_NATIONAL_IDS = {
  hans: '12854810098',
  kari: '03916210085',
  ola: '21715510097',
} as const satisfies Readonly<Record<string, string>>;
