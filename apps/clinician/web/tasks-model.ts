/** The dashboard's view of the team's work, as the clinician service sends it (dashboard/teamwork-routes.ts). */
export type Priority = 'red' | 'yellow' | 'routine';
export type TaskStatus = 'new' | 'taken' | 'answered' | 'closed';
export interface TaskRow {
  url: string; type: 'advice-request' | 'threshold-alert' | 'missing-measurement'; team: string; teamName: string; teamDisplayName: string;
  patient: string; patientName?: string; priority: Priority; status: TaskStatus; deadline: string; created: string;
  title: Record<string, string>; takenBy?: string; takenByName?: string; thread?: string; concerns: string[]; overdue: boolean; mine: boolean;
}
export interface Message {
  iri: string; type: 'request' | 'recommendation'; text: string; created: string; regards: string[];
  periodStart?: string; periodEnd?: string; action?: string; author?: string; authorName?: string;
}
export const taskLink = (t: TaskRow) => `#task=${encodeURIComponent(t.url)}&team=${encodeURIComponent(t.teamName)}`;
