/**
 * Months of realistic home measurements for the demo patients, generated
 * deterministically (seeded PRNG) so tests can recompute exactly what was
 * seeded. Every reading goes through the one mapping (parseMeasurementInput)
 * and the one write path (apps/shared/append.ts) the gateway uses, as the
 * vendor's WebID with Append only.
 *
 * hans (COPD): SpO2 and pulse morning (municipal follow-up) and evening
 *   (hospital follow-up), respiratory rate daily, a clinic SpO2 every four
 *   weeks; in the last week a worsening episode: SpO2 falls from ~93 % to
 *   ~86 %, pulse rises from ~78 to ~104, breathing speeds up.
 * kari (diabetes): glucose four times a day, weight every morning.
 * ola (heart failure): weight, blood pressure and pulse every morning, with
 *   a fluid-retention episode (+2.5 kg in four days) a month ago.
 */
import {
  measurementsByDocument, parseMeasurementInput, type Measurement, type MeasurementInput, type Setting,
} from '../../apps/shared/measurement/index.ts';
import { appendQuads } from '../../apps/shared/append.ts';
import type { KindId } from '../../vocab/catalogue.ts';
import { labelLinkQuads } from '../../vocab/labels.ts';
import { seededRandom as prng } from '../../apps/shared/prng.ts';

export interface DemoSeedOptions {
  /** Base URL of the pod server, e.g. http://localhost:3000/ */
  baseUrl: string;
  /** Readings run up to this instant (default: now). */
  end: Date;
  /** Days of history (default 90). */
  days?: number;
}

type PatientName = 'hans' | 'kari' | 'ola';
const DAY = 86_400_000;

/** Approximately normal noise with standard deviation `sd`. */
const noise = (random: () => number, sd: number) => (random() + random() + random() - 1.5) * sd * 2;

/** 0 before the episode, rising linearly to 1 at its end. */
function episode(daysAgo: number, startDaysAgo: number, endDaysAgo: number): number {
  if (daysAgo > startDaysAgo) return 0;
  if (daysAgo <= endDaysAgo) return 1;
  return (startDaysAgo - daysAgo) / (startDaysAgo - endDaysAgo);
}

/** The day `daysAgo` before `end` at a given Oslo-ish local hour (UTC offset ignored: readings are instants). */
function at(end: Date, daysAgo: number, hourUtc: number, minute: number): string {
  const day = new Date(Math.floor((end.getTime() - daysAgo * DAY) / DAY) * DAY);
  return new Date(day.getTime() + (hourUtc * 60 + minute) * 60_000).toISOString();
}

export interface DemoReading extends MeasurementInput {
  device: string;
  kind: KindId;
}

/** The raw demo readings of one patient (before validation), oldest first, none after `end`. */
export function demoReadings(patient: PatientName, options: DemoSeedOptions): DemoReading[] {
  const { baseUrl, end } = options;
  const days = options.days ?? 90;
  const random = prng({ hans: 1, kari: 2, ola: 3 }[patient]);
  const webId = `${baseUrl}${patient}/profile/card#me`;
  const vendor = `${baseUrl}vendor/profile/card#me`;
  const readings: DemoReading[] = [];
  const add = (
    kind: KindId, time: string, setting: Setting, device: string,
    value: Pick<MeasurementInput, 'value' | 'components' | 'unit'>, source = vendor,
  ) => {
    if (Date.parse(time) <= end.getTime()) readings.push({ patient: webId, kind, effectiveTime: time, setting, device, source, ...value });
  };
  const round = (v: number, d = 0) => Math.round(v * 10 ** d) / 10 ** d;

  for (let daysAgo = days - 1; daysAgo >= 0; daysAgo--) {
    const jitter = () => Math.floor(random() * 20);
    if (patient === 'hans') {
      const worse = episode(daysAgo, 8, 1);
      for (const [hour, setting, device] of [[7, 'home-municipality', 'oxi-kommune-1187'], [18, 'home-hospital', 'oxi-ous-5521']] as const) {
        const time = at(end, daysAgo, hour, jitter());
        const spo2 = round(Math.min(99, 93 + noise(random, 0.8) - 7 * worse));
        const pulse = round(78 + noise(random, 3) + 26 * worse);
        add('oxygen-saturation', time, setting, device, { value: spo2, unit: '%' });
        add('heart-rate', time, setting, device, { value: pulse, unit: '/min' });
      }
      add('respiratory-rate', at(end, daysAgo, 8, jitter()), 'home-municipality', 'tablet-kommune-1187',
        { value: round(16 + noise(random, 1) + 9 * worse), unit: '/min' });
      if (daysAgo % 28 === 14) {
        add('oxygen-saturation', at(end, daysAgo, 10, 30), 'clinic', 'oxi-legekontor-02',
          { value: round(94 + noise(random, 0.6)), unit: '%' }, `${baseUrl}legekontor/profile/card#me`);
      }
    } else if (patient === 'kari') {
      for (const [hour, base] of [[6, 6.8], [10, 8.9], [15, 8.1], [20, 9.6]] as const) {
        add('blood-glucose', at(end, daysAgo, hour, jitter()), 'home-hospital', 'glukometer-7731',
          { value: round(base + noise(random, 1.1), 1), unit: 'mmol/L' });
      }
      add('body-weight', at(end, daysAgo, 6, 40 + jitter()), 'home-municipality', 'vekt-3310',
        { value: round(92.5 - 0.02 * (days - daysAgo) + noise(random, 0.3), 1), unit: 'kg' });
    } else {
      const fluid = episode(daysAgo, 33, 29) * (daysAgo > 26 ? 1 : 0);
      const time = at(end, daysAgo, 6, jitter());
      add('body-weight', time, 'home-hospital', 'vekt-hjerte-0921',
        { value: round(84 + noise(random, 0.3) + 2.5 * fluid, 1), unit: 'kg' });
      const systolic = round(128 + noise(random, 6) - 6 * fluid);
      add('blood-pressure', time, 'home-hospital', 'bt-hjerte-0921',
        { components: { systolic, diastolic: round(systolic - 45 + noise(random, 4)) }, unit: 'mm[Hg]' });
      add('heart-rate', time, 'home-hospital', 'bt-hjerte-0921', { value: round(72 + noise(random, 4) + 14 * fluid), unit: '/min' });
    }
  }
  return readings;
}

/**
 * The demo patients' devices and the kinds each writes (those of its seeded
 * history): what each patient pairs them for, so the vendor may append to
 * those kinds and no others (issue #18).
 */
export function demoDevices(patient: PatientName): { id: string; kinds: KindId[] }[] {
  // Two days before a fixed midnight: every device writes on the first, whatever hour it reads at.
  const readings = demoReadings(patient, { baseUrl: 'http://demo.invalid/', end: new Date('2026-01-03T00:00:00Z'), days: 2 });
  const byDevice = new Map<string, Set<KindId>>();
  for (const r of readings) byDevice.set(r.device, (byDevice.get(r.device) ?? new Set<KindId>()).add(r.kind));
  return [...byDevice].map(([id, kinds]) => ({ id, kinds: [...kinds] }));
}

/** Validated demo measurements of every patient (throws if the generator made a bad reading). */
export function demoMeasurements(options: DemoSeedOptions): Measurement[] {
  return (['hans', 'kari', 'ola'] as const).flatMap((patient) => demoReadings(patient, options).map((raw, i) => {
    const parsed = parseMeasurementInput(raw, { now: options.end });
    if (!parsed.ok) throw new Error(`demo reading ${patient}#${i} is invalid: ${JSON.stringify(parsed.errors)}`);
    return parsed.value;
  }));
}

/**
 * Writes the demo measurements with one insert-only patch per month document,
 * as the vendor (`vendorFetch`). Idempotent: running it again changes nothing.
 */
export async function seedDemoMeasurements(
  vendorFetch: typeof fetch,
  options: DemoSeedOptions & { progress?: (done: number, total: number, measurements: number) => void },
): Promise<{ measurements: number; documents: number }> {
  const measurements = demoMeasurements(options);
  const pods = new Map((['hans', 'kari', 'ola'] as const).map((name) => [`${options.baseUrl}${name}/profile/card#me`, `${options.baseUrl}${name}/`]));
  const documents = measurementsByDocument(measurements, (webId) => pods.get(webId)!);
  let done = 0;
  const queue = [...documents];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [url, quads] = next;
      // With the link to the terms' names (vocab/labels.ts), so SolidOS shows "Blood glucose", not "434912009".
      const outcome = await appendQuads(vendorFetch, url, [...quads, ...labelLinkQuads(url)]);
      if (!outcome.ok) throw new Error(`Seeding ${url} failed: ${outcome.reason}`);
      options.progress?.(++done, documents.size, measurements.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return { measurements: measurements.length, documents: documents.size };
}
