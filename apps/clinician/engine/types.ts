/**
 * The clinician query engine's vocabulary: options, progress, what could not
 * be read, statistics and answers (engine.ts does the work).
 */
import type { QueryType } from '@comunica/types';
import type { Store, Quad } from 'n3';
import type { KindId } from '../../../vocab/catalogue.ts';
import type { DocumentCache, DocumentStatus } from './documents.ts';
import type { PlannedDocument, Scope, ScopeLimits } from './plan.ts';
import type { ProfileCache, ProfileError } from './profiles.ts';
import type { AlgebraNode, QueryForm, QueryNeeds } from './scope.ts';
import type { Team } from './team.ts';

export interface ClinicianEngineOptions {
  /** Base URLs of the pod servers the engine may read from (WebIDs and pods elsewhere are reported, not fetched). */
  readonly podServers: readonly string[];
  /** Requests in flight per query; default 12. */
  readonly concurrency?: number;
  /** Most documents one query may read; default 5,000. */
  readonly maxDocuments?: number;
  /** Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) one answer may have; default 100,000. */
  readonly maxResultRows?: number;
  /** A query's evaluation must end within this; default 20 s. */
  readonly queryTimeoutMs?: number;
  readonly limits?: Partial<ScopeLimits>;
  /** Shared ETag cache of parsed documents (always revalidated); `false` for none. */
  readonly documentCache?: DocumentCache | false;
  readonly profileCache?: ProfileCache;
  /** Clock (tests). */
  readonly now?: () => Date;
}

export type Progress =
  | { readonly phase: 'team' }
  | { readonly phase: 'profiles'; readonly done: number; readonly total: number }
  | { readonly phase: 'documents'; readonly done: number; readonly total: number }
  | { readonly phase: 'query' };

export interface Unreadable {
  /** The patient's WebID. */
  readonly patient: string;
  /** The category (kind), `notes`, or absent when nothing of the patient could be read (no profile, pod unreachable). */
  readonly category?: KindId | 'notes';
  readonly reason: Exclude<DocumentStatus, 'read' | 'not-found' | 'skipped'> | ProfileError['reason'];
  readonly httpStatus?: number;
  readonly detail?: string;
}

export interface AccessReport {
  /** True when everything planned could be read (missing months are not a problem). */
  readonly complete: boolean;
  readonly patients: { readonly total: number; readonly read: number; readonly partly: number; readonly unreadable: number };
  readonly unreadable: readonly Unreadable[];
}

export interface QueryStats {
  /** HTTP requests sent to pod servers (team list, profiles, documents; retries included). */
  requests: number;
  notModified: number;
  bytes: number;
  /** Documents planned, and of those read (200 or 304). */
  planned: number;
  read: number;
  quads: number;
  /** From the start until every pod was found (team list, profiles). */
  discoveryMs: number;
  /** From the start until every planned document was in (overlaps finding the pods). */
  fetchMs: number;
  queryMs: number;
  totalMs: number;
}

export interface Gathered {
  readonly team: Pick<Team, 'name' | 'url' | 'displayName' | 'organisation'> & { readonly patients: readonly string[] };
  readonly scope: Scope;
  readonly access: AccessReport;
  readonly stats: QueryStats;
  /** The data read, one named graph per document (team list and profiles included). */
  readonly store: Store;
  readonly documents: readonly { readonly doc: PlannedDocument; readonly status: DocumentStatus; readonly quads: readonly Quad[] }[];
  readonly now: Date;
}

export interface ParsedQuery {
  readonly text: string;
  readonly algebra: AlgebraNode;
  readonly form: QueryForm;
  readonly needs: QueryNeeds;
}

export interface Target {
  /** A team of the clinician's organisation, by name. */
  readonly team: string;
  /** Only this patient of the team (WebID, must be on the team's list). */
  readonly patient?: string;
  readonly onProgress?: (p: Progress) => void;
}

export interface QueryAnswer extends Gathered {
  readonly form: QueryForm;
  readonly result: QueryType;
}
