import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { crosses, parseThresholds, thresholdsDocumentOf, thresholdsTurtle } from '../../../apps/shared/thresholds.ts';
import { DASHBOARD_CSP } from '../../../apps/clinician/dashboard/routes.ts';

const HANS = 'http://localhost:3000/hans/profile/card#me';
const DOC = 'http://localhost:3000/ous/thresholds/lungeteam';

describe('thresholds (hv:Threshold in the team\'s pod)', () => {
  it('live next to the team list', () => {
    expect(thresholdsDocumentOf('http://localhost:3000/ous/teams/lungeteam')).toBe(DOC);
  });

  it('round-trip through Turtle, each with the resource it comes from', async () => {
    const turtle = await thresholdsTurtle([
      { patient: HANS, kind: 'oxygen-saturation', below: 90 },
      { patient: HANS, kind: 'blood-glucose', above: 10.5 },
    ]);
    expect(turtle).toContain('sct:431314004');
    const parsed = parseThresholds(new Parser({ baseIRI: DOC }).parse(turtle));
    expect(parsed).toEqual(expect.arrayContaining([
      { patient: HANS, kind: 'oxygen-saturation', below: 90, source: `${DOC}#hans-oxygen-saturation` },
      { patient: HANS, kind: 'blood-glucose', above: 10.5, source: `${DOC}#hans-blood-glucose` },
    ]));
  });

  it('ignore a threshold without a known kind or a limit', () => {
    const quads = new Parser({ baseIRI: DOC }).parse(`
      @prefix hv: <https://w3id.org/helsevev#> . @prefix sosa: <http://www.w3.org/ns/sosa/> .
      <#a> a hv:Threshold ; hv:forPatient <${HANS}> ; sosa:observedProperty <http://snomed.info/id/1> ; hv:lowerLimit 1 .
      <#b> a hv:Threshold ; hv:forPatient <${HANS}> ; sosa:observedProperty <http://snomed.info/id/431314004> .`);
    expect(parseThresholds(quads)).toEqual([]);
  });

  it('flag values strictly below the lower or above the upper limit', () => {
    expect(crosses({ below: 90 }, 89)).toBe(true);
    expect(crosses({ below: 90 }, 90)).toBe(false);
    expect(crosses({ above: 10 }, 10.1)).toBe(true);
    expect(crosses({ above: 10 }, 9)).toBe(false);
  });
});

describe('the dashboard page\'s CSP', () => {
  it('allows no inline script and talks only to its own service', () => {
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe');
  });
});
