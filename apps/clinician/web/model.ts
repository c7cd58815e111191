/** The dashboard's view of the clinician service's JSON, and how each source is drawn. */
import type { KindId } from '../../../vocab/catalogue.ts';
import type { AnswerValue } from '../../shared/questionnaire/answers.ts';

export type Setting = 'home-municipality' | 'home-hospital' | 'clinic' | 'patient-entered';
export const SETTINGS: readonly Setting[] = ['home-municipality', 'home-hospital', 'clinic', 'patient-entered'];
/** Colour and point size per source (colour-blind safe pair + green + purple; sizes and dashes differ too). */
export const STYLE: Record<Setting, { colour: string; size: number; dash: number[] }> = {
  'home-municipality': { colour: '#1f5fa8', size: 7, dash: [] },
  'home-hospital': { colour: '#b35c00', size: 9, dash: [6, 4] },
  clinic: { colour: '#1d6b3a', size: 12, dash: [2, 3] },
  /** Typed in by the patient (apps/shared/measurement/own-entry.ts). */
  'patient-entered': { colour: '#7a2c8c', size: 8, dash: [1, 3] },
};

export interface Threshold { patient: string; kind: KindId; below?: number; above?: number; source: string }
export interface Unreadable { category: KindId | 'notes' | null; reason: string }
/** author: the writer the pod server attested (null: not verified); claimedAuthor: what the note says when that differs. */
export interface Mark { reason: string; author: string | null; authorName?: string; claimedAuthor?: string; created: string }
/** A performer as the sender stated it (Observation.performer): a claim in the data, never who wrote it. */
export interface StatedPerformer { kind: 'person' | 'organisation'; display?: string; identifier?: { system: string; value: string } }
/** source: the sender the gateway authenticated (the writer); performers and metaSource: what that sender states. */
export interface Point {
  iri: string; kind: KindId; value: number; diastolic?: number; unit: string; effectiveTime: string; setting: Setting; source: string; device?: string;
  performers?: StatedPerformer[]; metaSource?: string; unreliable: Mark[];
  /** A score's answers (apps/clinician/dashboard/answers.ts). */
  answers?: { questionnaire: string; response: string; items: { linkId: string; answer: AnswerValue }[] };
}
export interface PatientData { team: string; patient: string; name: string; weeks: number; thresholdsDocument: string; thresholds: Threshold[]; unreadable: Unreadable[]; measurements: Point[] }
export interface TeamData {
  team: string; displayName: string; since: string; thresholdsDocument: string;
  patients: { webId: string; name: string; latest: Record<string, { value: number; diastolic?: number; unit: string; effectiveTime: string; setting: Setting; flagged: boolean; unreliable: boolean }>; thresholds: Threshold[]; unreadable: Unreadable[] }[];
}
