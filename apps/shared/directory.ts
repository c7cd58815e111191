/**
 * The public directory of organisations a patient can share with: for each
 * team, the IRI to grant (an organisation's public vcard:Group, or a single
 * agent's WebID), its name in Norwegian and English, and the organisation
 * it belongs to with its kind (hospital, GP office, municipality).
 *
 * The demo world publishes one (pod-server/world/directory.ts); the consent
 * page reads it to label the rows of its sharing table. Standard terms only:
 * W3C Organization Ontology (org:), SKOS labels with language tags, vCard
 * groups, Dublin Core. This module is the one writer and reader of the
 * format; it never fetches.
 *
 *   <#directory> dct:hasPart <https://pod/legekontor/groups/fastleger#group>.
 *   <https://pod/legekontor/groups/fastleger#group> a vcard:Group;
 *       skos:prefLabel "Fastlegene"@nb, "The GPs"@en;
 *       org:unitOf <https://pod/legekontor/profile/card#me>.
 *   <https://pod/legekontor/profile/card#me> a org:Organization;
 *       skos:prefLabel "Storgata legekontor"@nb, "Storgata GP office"@en;
 *       org:classification <#gp-office>.
 *   <#gp-office> a skos:Concept; skos:notation "gp-office";
 *       skos:prefLabel "Fastlegekontor"@nb, "GP office"@en.
 */
import { DataFactory, Parser, Store, type Quad } from 'n3';
import type { Lang, Names } from '../../vocab/catalogue.ts';
import { DCT, NS, RDF } from '../../vocab/terms.ts';
import type { Grantee } from './health-acl.ts';

const { namedNode, literal, quad } = DataFactory;

const SKOS_NS = 'http://www.w3.org/2004/02/skos/core#';
const ORG_NS = 'http://www.w3.org/ns/org#';
const T = {
  hasPart: `${NS.dct}hasPart`,
  prefLabel: `${SKOS_NS}prefLabel`,
  notation: `${SKOS_NS}notation`,
  Concept: `${SKOS_NS}Concept`,
  Organization: `${ORG_NS}Organization`,
  unitOf: `${ORG_NS}unitOf`,
  memberOf: `${ORG_NS}memberOf`,
  classification: `${ORG_NS}classification`,
  Group: `${NS.vcard}Group`,
  Agent: `${NS.foaf}Agent`,
} as const;

export interface OrganisationKind {
  /** A short code, e.g. `hospital`, `gp-office`, `municipality`. */
  readonly code: string;
  readonly names: Names;
}

export interface DirectoryEntry {
  /** What an ACL names to let this team read. */
  readonly grantee: Grantee;
  /** The team, as a patient would call it. */
  readonly names: Names;
  readonly organisation: { readonly webId: string; readonly names: Names; readonly kind: OrganisationKind };
}

export interface Directory {
  readonly url: string;
  readonly title: Names;
  readonly entries: readonly DirectoryEntry[];
}

export const granteeIri = (g: Grantee): string => ('group' in g ? g.group : g.agent);

const LANGS: readonly Lang[] = ['nb', 'en'];

export function directoryToQuads(directory: Directory): Quad[] {
  const doc = directory.url.replace(/#.*$/, '');
  const self = namedNode(`${doc}#directory`);
  const labels = (subject: string, names: Names) =>
    LANGS.map((lang) => quad(namedNode(subject), namedNode(T.prefLabel), literal(names[lang], lang)));
  const quads: Quad[] = [...LANGS.map((lang) => quad(self, namedNode(DCT.title), literal(directory.title[lang], lang)))];
  const kinds = new Map<string, OrganisationKind>();
  const organisations = new Map<string, DirectoryEntry['organisation']>();
  for (const entry of directory.entries) {
    const iri = granteeIri(entry.grantee);
    const isGroup = 'group' in entry.grantee;
    quads.push(
      quad(self, namedNode(T.hasPart), namedNode(iri)),
      quad(namedNode(iri), namedNode(RDF.type), namedNode(isGroup ? T.Group : T.Agent)),
      ...labels(iri, entry.names),
      quad(namedNode(iri), namedNode(isGroup ? T.unitOf : T.memberOf), namedNode(entry.organisation.webId)),
    );
    organisations.set(entry.organisation.webId, entry.organisation);
    kinds.set(entry.organisation.kind.code, entry.organisation.kind);
  }
  for (const org of organisations.values()) {
    quads.push(
      quad(namedNode(org.webId), namedNode(RDF.type), namedNode(T.Organization)),
      ...labels(org.webId, org.names),
      quad(namedNode(org.webId), namedNode(T.classification), namedNode(`${doc}#${org.kind.code}`)),
    );
  }
  for (const kind of kinds.values()) {
    const iri = `${doc}#${kind.code}`;
    quads.push(
      quad(namedNode(iri), namedNode(RDF.type), namedNode(T.Concept)),
      quad(namedNode(iri), namedNode(T.notation), literal(kind.code)),
      ...labels(iri, kind.names),
    );
  }
  return quads;
}

function names(store: Store, subject: string, fallback: string): Names {
  const all = store.getObjects(subject, T.prefLabel, null).filter((o) => o.termType === 'Literal');
  const pick = (lang: Lang) => all.find((o) => (o as { language: string }).language === lang)?.value;
  const any = pick('en') ?? pick('nb') ?? all[0]?.value ?? fallback;
  return { nb: pick('nb') ?? any, en: pick('en') ?? any };
}

/** Reads a directory document; entries that name no organisation are left out. */
export function parseDirectory(turtle: string, url: string): Directory {
  const doc = url.replace(/#.*$/, '');
  const store = new Store(new Parser({ baseIRI: doc }).parse(turtle));
  const self = `${doc}#directory`;
  const titles = store.getObjects(self, DCT.title, null);
  const title = {
    nb: titles.find((t) => (t as { language?: string }).language === 'nb')?.value ?? '',
    en: titles.find((t) => (t as { language?: string }).language === 'en')?.value ?? '',
  };
  const entries = store.getObjects(self, T.hasPart, null).flatMap((part): DirectoryEntry[] => {
    if (part.termType !== 'NamedNode') return [];
    const isGroup = store.has(quad(part, namedNode(RDF.type), namedNode(T.Group)));
    const org = store.getObjects(part, isGroup ? T.unitOf : T.memberOf, null)[0];
    if (!org || org.termType !== 'NamedNode') return [];
    const kindIri = store.getObjects(org, T.classification, null)[0];
    const kind: OrganisationKind = kindIri
      ? { code: store.getObjects(kindIri, T.notation, null)[0]?.value ?? kindIri.value, names: names(store, kindIri.value, kindIri.value) }
      : { code: 'organisation', names: { nb: 'Organisasjon', en: 'Organisation' } };
    return [{
      grantee: isGroup ? { group: part.value } : { agent: part.value },
      names: names(store, part.value, part.value),
      organisation: { webId: org.value, names: names(store, org.value, org.value), kind },
    }];
  });
  return { url: doc, title, entries };
}
