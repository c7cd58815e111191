/**
 * Which patient and team a FHIR search is about: a subject (WebID) on a
 * team's list, or a patient identifier (fødselsnummer, D-nummer, felles
 * hjelpenummer) that one of the caller's own team lists gives a patient
 * (hv:entry, engine/team.ts).
 *
 * An identifier resolves ONLY through the lists the caller may read. One that
 * is on none of them resolves to nothing, and the search answers an empty
 * searchset, the same as for a patient with no readings: the answer never
 * says whether an identifier belongs to anyone anywhere. Nothing here may
 * look an identifier up anywhere else (no registry, no other organisation).
 */
import type { TeamSummary } from '../engine/team.ts';
import { FhirSearchError, type IdentifierToken, type ObservationSearch } from './fhir.ts';

/** Where a search runs: the team and (usually) the patient; `none` when the identifier is on no list of the caller's. */
export type SearchTarget = { readonly team: string; readonly patient?: string } | 'none';

const matches = (token: IdentifierToken, id: { system: string; value: string }) =>
  id.value === token.value && (token.system === undefined || token.system === id.system);

/** The team and patient of `search`, from the caller's teams (engine.teams). */
export function searchTarget(search: ObservationSearch, teams: readonly TeamSummary[]): SearchTarget {
  const readable = teams.filter((t) => t.member && t.patients && (!search.team || t.name === search.team));
  if (search.identifier) {
    for (const team of readable) {
      const found = team.identifiers?.find((id) => matches(search.identifier!, id));
      if (!found) continue;
      // With a subject too, both must name the same patient; else nothing matches.
      if (search.subject && search.subject !== found.patient) return 'none';
      return { team: team.name, patient: found.patient };
    }
    return 'none';
  }
  if (search.team && !search.subject) return { team: search.team };
  if (search.team) return { team: search.team, patient: search.subject! };
  // Without a team, the first of the caller's teams whose list names the subject.
  const team = readable.find((t) => t.patients!.includes(search.subject!))?.name;
  if (!team) throw new FhirSearchError(404, 'not-found', `${search.subject} is not on the patient list of any team you are in`);
  return { team, patient: search.subject! };
}
