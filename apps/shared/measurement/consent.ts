/**
 * Consent records (W3C DPV) for the patient's `health/consent/`: who
 * (recipient organisation or group), what data (a category container),
 * purpose "follow-up of my condition", when, given or withdrawn. Written
 * beside every ACL change so the patient has a history, not just a state.
 */
import { DataFactory, Store, type Quad } from 'n3';
import { DCT, DPV, HV, RDF, XSD } from '../../../vocab/terms.ts';
import { identityHash, healthMonthDocument } from './identity.ts';

const { namedNode, literal, quad } = DataFactory;

export interface ConsentRecord {
  /** The patient's WebID. */
  readonly dataSubject: string;
  /** WebID or group IRI that was granted or refused read access. */
  readonly recipient: string;
  /** The category container the decision covers. */
  readonly data: string;
  readonly status: 'given' | 'withdrawn';
  /** ISO 8601 with offset. */
  readonly created: string;
}

const STATUS = { given: DPV.ConsentGiven, withdrawn: DPV.ConsentWithdrawn } as const;

export function consentDocument(storage: string, created: string): string {
  return healthMonthDocument(storage, 'consent', created);
}

export function consentRecordToQuads(record: ConsentRecord, storage: string): Quad[] {
  const id = identityHash(record.dataSubject, record.recipient, record.data, record.status, record.created);
  const s = namedNode(`${consentDocument(storage, record.created)}#consent-${id}`);
  return [
    quad(s, namedNode(RDF.type), namedNode(DPV.Consent)),
    quad(s, namedNode(DPV.hasDataSubject), namedNode(record.dataSubject)),
    quad(s, namedNode(DPV.hasRecipient), namedNode(record.recipient)),
    quad(s, namedNode(DPV.hasPersonalData), namedNode(record.data)),
    quad(s, namedNode(DPV.hasPurpose), namedNode(HV.FollowUpOfMyCondition)),
    quad(s, namedNode(DPV.hasConsentStatus), namedNode(STATUS[record.status])),
    quad(s, namedNode(DCT.created), literal(record.created, namedNode(XSD.dateTime))),
  ];
}

export function quadsToConsentRecords(quads: Iterable<Quad>): (ConsentRecord & { iri: string })[] {
  const store = new Store([...quads]);
  return store.getSubjects(RDF.type, DPV.Consent, null).flatMap((s) => {
    const get = (p: string) => store.getObjects(s, p, null)[0]?.value;
    const status: ConsentRecord['status'] | undefined = get(DPV.hasConsentStatus) === DPV.ConsentGiven ? 'given' : get(DPV.hasConsentStatus) === DPV.ConsentWithdrawn ? 'withdrawn' : undefined;
    const [dataSubject, recipient, data, created] = [get(DPV.hasDataSubject), get(DPV.hasRecipient), get(DPV.hasPersonalData), get(DCT.created)];
    return dataSubject && recipient && data && created && status ? [{ iri: s.value, dataSubject, recipient, data, created, status }] : [];
  }).sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
}
