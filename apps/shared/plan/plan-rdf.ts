/**
 * A self-treatment plan as RDF in the patient's `health/plans/`, one
 * document per version (docs/data-model.md, "Self-treatment plans"):
 *
 *   <#plan> a hv:SelfTreatmentPlan ; hv:forPatient <patient> ;
 *       sosa:observedProperty sct:434912009 ; hv:ucumCode "mmol/L" ;
 *       hv:planStep <#step-1>, <#step-2> ; dct:creator <claimed> ; dct:created "…" .
 *   <#step-1> a hv:PlanStep ; hv:stepLevel 1 ; hv:whenAbove 10.0 ;
 *       hv:instruction "Drikk vann …"@nb, "Drink water …"@en .
 *
 * A new version is a new document written with an insert-only N3 Patch, so
 * the pod server stamps hv:attestedAuthor/hv:attestedAt on every subject it
 * inserts (NoteAttestingHandler). Which plan is shown, and whose it is, is
 * decided only from those stamps (`shownPlans`): a document whose subjects
 * do not all carry one and the same attested author is not shown at all,
 * since an instruction about one's health from an unknown hand must not
 * look like the team's. Pure: no fetch.
 */
import { DataFactory, Store, type Quad, type Term } from 'n3';
import { kindForSnomedIri, kindSpec, observedPropertyIri } from '../../../vocab/catalogue.ts';
import { DCT, HV, RDF, SOSA, XSD } from '../../../vocab/terms.ts';
import { identityHash, toOsloIso } from '../measurement/identity.ts';
import { withSlash } from '../pod-urls.ts';
import { parsePlanInput, type PlanStep, type SelfTreatmentPlan } from './plan.ts';

const { namedNode, literal, quad } = DataFactory;

/** `{storage}health/plans/`: readable by the teams the patient shares with, written by those granted plans. */
export function plansContainer(storage: string): string {
  return `${withSlash(storage)}health/plans/`;
}

/** `{plans}{kind}-{YYYYMMDDTHHmmss}-{hash}.ttl`: each version its own document, never overwritten. */
export function planDocument(storage: string, plan: Pick<SelfTreatmentPlan, 'kind' | 'author' | 'created'>): string {
  const stamp = plan.created.slice(0, 19).replace(/[-:]/g, '');
  return `${plansContainer(storage)}${plan.kind}-${stamp}-${identityHash(plan.kind, plan.author, plan.created).slice(0, 12)}.ttl`;
}

export function planToQuads(plan: SelfTreatmentPlan, document: string): Quad[] {
  const s = namedNode(`${document}#plan`);
  const step = (st: PlanStep) => namedNode(`${document}#step-${st.level}`);
  return [
    quad(s, namedNode(RDF.type), namedNode(HV.SelfTreatmentPlan)),
    quad(s, namedNode(HV.forPatient), namedNode(plan.patient)),
    quad(s, namedNode(SOSA.observedProperty), namedNode(observedPropertyIri(kindSpec(plan.kind)))),
    quad(s, namedNode(HV.ucumCode), literal(plan.unit)),
    quad(s, namedNode(DCT.creator), namedNode(plan.author)),
    quad(s, namedNode(DCT.created), literal(plan.created, namedNode(XSD.dateTime))),
    ...plan.steps.flatMap((st) => [
      quad(s, namedNode(HV.planStep), step(st)),
      quad(step(st), namedNode(RDF.type), namedNode(HV.PlanStep)),
      quad(step(st), namedNode(HV.stepLevel), literal(String(st.level), namedNode(XSD.integer))),
      quad(step(st), namedNode(st.direction === 'above' ? HV.whenAbove : HV.whenBelow), literal(String(st.threshold), namedNode(XSD.decimal))),
      quad(step(st), namedNode(HV.instruction), literal(st.instruction.nb, 'nb')),
      ...(st.instruction.en ? [quad(step(st), namedNode(HV.instruction), literal(st.instruction.en, 'en'))] : []),
    ]),
  ];
}

/** The plans in one document, each checked like the form's input; anything malformed is left out. */
export function quadsToPlans(quads: Iterable<Quad>): (SelfTreatmentPlan & { iri: string })[] {
  const store = new Store([...quads]);
  const one = (s: Term, p: string) => {
    const all = store.getObjects(s, p, null);
    return all.length === 1 ? all[0] : undefined;
  };
  return store.getSubjects(RDF.type, HV.SelfTreatmentPlan, null).flatMap((s) => {
    const [patient, property, unit, author, created] = [one(s, HV.forPatient), one(s, SOSA.observedProperty), one(s, HV.ucumCode), one(s, DCT.creator), one(s, DCT.created)];
    const kind = property ? kindForSnomedIri(property.value) : undefined;
    if (!patient || !kind || !unit || !author || !created) return [];
    const raw = store.getObjects(s, HV.planStep, null).map((st) => {
      const above = one(st, HV.whenAbove);
      const below = one(st, HV.whenBelow);
      const texts = store.getObjects(st, HV.instruction, null).filter((t) => t.termType === 'Literal');
      const text = (lang: string) => {
        const found = texts.filter((t) => (t as { language?: string }).language === lang);
        return found.length === 1 ? found[0]!.value : found.length > 1 ? '' : undefined;
      };
      return {
        level: Number(one(st, HV.stepLevel)?.value),
        step: {
          direction: above && !below ? 'above' : below && !above ? 'below' : undefined,
          threshold: (above ?? below)?.value, instruction: { nb: text('nb'), en: text('en') },
        },
      };
    });
    const levels = raw.map((r) => r.level).sort((a, b) => a - b);
    if (levels.some((l, i) => l !== i + 1)) return [];
    const steps = raw.sort((a, b) => a.level - b.level).map((r) => r.step);
    const checked = parsePlanInput({ kind, unit: unit.value, steps }, { patient: patient.value, author: author.value, created: created.value });
    return checked.ok ? [{ ...checked.value, iri: s.value }] : [];
  });
}

/** A plan as it may be shown to a person. */
export interface ShownPlan extends SelfTreatmentPlan {
  readonly iri: string;
  readonly document: string;
  /** The writer the pod server authenticated: the author shown. */
  readonly attestedAuthor: string;
  /** When the pod server took the write (Europe/Oslo ISO). */
  readonly attestedAt: string;
}

export interface PlansSeen {
  /** The current plan per kind: the newest verified one for this patient. */
  readonly current: ShownPlan[];
  /** Documents holding a plan that is not verified (no, several or partial attestations), or not for this patient: never shown. */
  readonly notVerified: string[];
}

/**
 * The plans of `documents` (URL -> quads) that may be shown to `patient` or
 * their team. A plan is verified when the pod server stamped the plan and
 * each of its steps with exactly one attested author, the same for all,
 * and no one else's stamp is in the document (someone appended to it).
 */
export function shownPlans(documents: ReadonlyMap<string, readonly Quad[]>, patient: string): PlansSeen {
  const shown: ShownPlan[] = [];
  const notVerified: string[] = [];
  for (const [document, quads] of documents) {
    const store = new Store([...quads]);
    const plans = quadsToPlans(quads);
    const stamped = new Set(store.getObjects(null, HV.attestedAuthor, null).map((t) => t.value));
    if (plans.length === 0 && store.getSubjects(RDF.type, HV.SelfTreatmentPlan, null).length > 0) notVerified.push(document);
    for (const plan of plans) {
      const subjects = [plan.iri, ...store.getObjects(plan.iri, HV.planStep, null).map((t) => t.value)];
      const authors = subjects.map((s) => store.getObjects(s, HV.attestedAuthor, null));
      const author = authors[0]?.[0];
      const verified = author?.termType === 'NamedNode' && stamped.size === 1 && plan.patient === patient
        && authors.every((a) => a.length === 1 && a[0]!.equals(author));
      const times = store.getObjects(plan.iri, HV.attestedAt, null).map((t) => Date.parse(t.value)).filter(Number.isFinite);
      if (!verified || times.length === 0) {
        notVerified.push(document);
        continue;
      }
      shown.push({ ...plan, document, attestedAuthor: author.value, attestedAt: toOsloIso(new Date(Math.min(...times))) });
    }
  }
  const current = new Map<string, ShownPlan>();
  for (const plan of shown) {
    const before = current.get(plan.kind);
    if (!before || Date.parse(plan.attestedAt) > Date.parse(before.attestedAt)
      || (plan.attestedAt === before.attestedAt && plan.document > before.document)) current.set(plan.kind, plan);
  }
  return { current: [...current.values()].sort((a, b) => a.kind.localeCompare(b.kind)), notVerified: [...new Set(notVerified)].sort() };
}
