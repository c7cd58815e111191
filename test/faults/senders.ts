/**
 * The fault run's devices: each sender is a home hub paired with each of its
 * patients (test/support/extra-patients.ts) and streams readings for them
 * through the gateway, each request with that patient's credential, every
 * other request as JSON (POST /readings) and as FHIR (POST /fhir, subject by
 * national id or WebID), and keeps a
 * request until it is acknowledged (202), sending it again after a network
 * error or a 5xx, as a device does. What was sent and acknowledged is kept in
 * `sent` for read-back.ts to hold against the pods. fault-run.ts runs the
 * world and the faults.
 */
import { NO_NATIONAL_ID_SYSTEM } from '../../apps/shared/fhir/identifiers.ts';
import { identityHash, measurementDocument, measurementIri } from '../../apps/shared/measurement/index.ts';
import { seededRandom } from '../../apps/shared/prng.ts';
import { deviceReadings, makeDevices, toFhirObservation, type JsonReading, type SimDevice, type SimPatient } from '../../apps/simulator/devices.ts';
import type { ExtraPatient } from '../support/extra-patients.ts';
import type { SentReading } from './read-back.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SenderOptions {
  patients: readonly ExtraPatient[];
  /** How many senders run concurrently; sender i serves patients i, i + devices, ... */
  devices: number;
  seed?: number;
  /** Pause between a sender's requests. */
  intervalMs: number;
  /** Where the gateway is now (it moves when it is restarted). */
  gatewayUrl: () => string;
  /** False once the stream is to stop. */
  streaming: () => boolean;
}

/** Starts the senders; `running` settles when every sender has stopped after `streaming()` turned false. */
export function startSenders(options: SenderOptions) {
  const { patients, intervalMs } = options;
  const unpaired = patients.filter((p) => !p.credential).map((p) => p.name);
  if (unpaired.length > 0) throw new Error(`no paired hub for ${unpaired.join(', ')}: provision them with a gatewayUrl`);
  // Devices: six per patient (one of each type), deterministic.
  const random = seededRandom(options.seed ?? 9);
  const devicesOf = new Map<string, SimDevice[]>();
  for (const p of patients) devicesOf.set(p.name, makeDevices(6, [{ webId: p.webId }], random, `fault-${p.name}`));
  const senders = Array.from({ length: options.devices }, (_, i) => patients.filter((_, j) => j % options.devices === i));

  const sent = new Map<string, SentReading>();
  const requests = { sent: 0, acknowledged: 0, json: 0, fhir: 0, retried: 0, rejected: 0 };
  const rejected: string[] = [];
  const ackLatencies: number[] = [];
  const simStart = simulatedStart();
  const stepMs = 15 * 60_000;

  /** Sends one request until the gateway acknowledges it (or rejects it, which the run reports). */
  const sendUntilAcknowledged = async (path: string, type: string, body: unknown, readings: SentReading[], credential: string) => {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) requests.retried += 1;
      requests.sent += 1;
      const started = performance.now();
      let status: number;
      let text: string;
      try {
        const response = await fetch(new URL(path, options.gatewayUrl()), {
          method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${credential}` }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        text = await response.text();
      } catch {
        await sleep(250); // the gateway is down (killed) or the connection was cut: send again
        continue;
      }
      if (status >= 500) {
        await sleep(250);
        continue;
      }
      if (status !== 202) {
        requests.rejected += 1;
        rejected.push(`${path} ${status}: ${text.slice(0, 300)}`);
        return;
      }
      ackLatencies.push(performance.now() - started);
      requests.acknowledged += 1;
      const answer = JSON.parse(text) as { readings: { id: string; duplicate: boolean; document: string }[] };
      if (answer.readings.length !== readings.length) {
        rejected.push(`${path}: ${readings.length} readings sent, ${answer.readings.length} acknowledged`);
      }
      answer.readings.forEach((a, i) => {
        const r = readings[i];
        if (!r || r.id !== a.id || r.document !== a.document) {
          rejected.push(`${path}: acknowledgement ${i} names ${a.id} in ${a.document}, expected ${r?.id} in ${r?.document}`);
          return;
        }
        if (!r.acked) r.duplicateOnAck = a.duplicate;
        r.acked = true;
      });
      return;
    }
  };

  const sender = async (mine: readonly ExtraPatient[], index: number) => {
    for (let k = 0; options.streaming(); k++) {
      const patient = mine[k % mine.length]!;
      const credential = patient.credential!;
      const devices = devicesOf.get(patient.name)!;
      const device = devices[Math.floor(k / mine.length) % devices.length]!;
      const readings = deviceReadings(device, simStart + k * stepMs + index * 1_000, random);
      const entries: SentReading[] = readings.map((reading) => {
        const entry = {
          id: expectedId(patient, reading), patient, reading, acked: false,
          document: measurementDocument(patient.podUrl, reading.kind, reading.effectiveTime),
        };
        sent.set(entry.id, entry);
        return entry;
      });
      if (k % 2 === 0) {
        requests.json += 1;
        await sendUntilAcknowledged('/readings', 'application/json', { readings }, entries, credential);
      } else {
        requests.fhir += 1;
        const subject: SimPatient = [
          { webId: patient.webId, identifier: { system: NO_NATIONAL_ID_SYSTEM, value: patient.nationalId } },
          { webId: patient.webId },
        ][Math.floor(k / 2) % 2]!;
        const observations = readings.map((r) => toFhirObservation(r, subject));
        const body = observations.length === 1
          ? observations[0]
          : { resourceType: 'Bundle', type: 'collection', entry: observations.map((resource) => ({ resource })) };
        await sendUntilAcknowledged('/fhir', 'application/fhir+json', body, entries, credential);
      }
      await sleep(intervalMs);
    }
  };

  const running = Promise.all(senders.map((mine, i) => sender(mine, i)));
  return { running, sent, requests, rejected, ackLatencies };
}

/** A day before the first of last month: with a reading every 15 simulated minutes per sender, each kind spans two month documents. */
function simulatedStart(): number {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) - 24 * 3_600_000;
}

/** The gateway's id of a reading, computed here independently from what was sent. */
function expectedId(patient: ExtraPatient, r: JsonReading): string {
  return identityHash(measurementIri(patient.podUrl, { patient: patient.webId, device: r.device, kind: r.kind, effectiveTime: r.effectiveTime }));
}
