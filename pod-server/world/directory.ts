/**
 * The demo world's public directory of organisations
 * (`{base}oslo/directory/organisations`): the three teams a patient can share
 * with, their names in Norwegian and English, their organisation and its
 * kind. The consent page (apps/consent) reads it to label its sharing table.
 *
 * Published in the municipal follow-up centre's pod, which coordinates the
 * cross-level team in the demo; a real deployment would point the consent
 * page at a regional directory instead (its URL is configuration). Public
 * read, owner write; rewritten whole on every provisioning run (idempotent).
 */
import { Writer, type Quad } from 'n3';
import { aclQuads, aclTurtle, publicReadRules } from '../../apps/shared/acl.ts';
import { directoryToQuads, type Directory, type DirectoryEntry, type OrganisationKind } from '../../apps/shared/directory.ts';
import { NS } from '../../vocab/terms.ts';
import { demoGroup, groupIriOf, webIdOf, type GroupName } from './demo-world.ts';
import { aclUrlOf, putTurtle } from './pod-writes.ts';

type Fetch = typeof fetch;

/** The account whose pod publishes the directory. */
export const DIRECTORY_OWNER = 'oslo';
export const directoryUrlOf = (baseUrl: string) => `${baseUrl}${DIRECTORY_OWNER}/directory/organisations`;

const KINDS = {
  hospital: { code: 'hospital', names: { nb: 'Sykehus', en: 'Hospital' } },
  'gp-office': { code: 'gp-office', names: { nb: 'Fastlegekontor', en: 'GP office' } },
  municipality: { code: 'municipality', names: { nb: 'Kommune', en: 'Municipality' } },
} as const satisfies Record<string, OrganisationKind>;

const ENTRIES: readonly {
  group: GroupName;
  names: DirectoryEntry['names'];
  organisation: { account: string; names: DirectoryEntry['names']; kind: keyof typeof KINDS };
}[] = [
  {
    group: 'lungeteam',
    names: { nb: 'OUS lungeteam', en: 'OUS lung team' },
    organisation: { account: 'ous', names: { nb: 'Oslo universitetssykehus', en: 'Oslo University Hospital' }, kind: 'hospital' },
  },
  {
    group: 'fastleger',
    names: { nb: 'Fastlegene på Storgata legekontor', en: 'GPs at Storgata GP office' },
    organisation: { account: 'legekontor', names: { nb: 'Storgata legekontor', en: 'Storgata GP office' }, kind: 'gp-office' },
  },
  {
    group: 'oppfolgingsteam-a',
    names: { nb: 'Oppfølgingsteam A, Oslo kommune', en: 'Follow-up team A, City of Oslo' },
    organisation: {
      account: 'oslo',
      names: { nb: 'Oslo kommune, oppfølgingssenter', en: 'City of Oslo, follow-up centre' },
      kind: 'municipality',
    },
  },
];

export function demoDirectory(baseUrl: string): Directory {
  return {
    url: directoryUrlOf(baseUrl),
    title: { nb: 'Helsetjenester du kan dele målinger med', en: 'Health services you can share measurements with' },
    entries: ENTRIES.map((e) => ({
      grantee: { group: groupIriOf(baseUrl, demoGroup(e.group)) },
      names: e.names,
      organisation: { webId: webIdOf(baseUrl, e.organisation.account), names: e.organisation.names, kind: KINDS[e.organisation.kind] },
    })),
  };
}

function turtle(quads: Quad[], prefixes: Record<string, string>): Promise<string> {
  const writer = new Writer({ prefixes });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, out) => (error ? reject(error) : resolve(out))));
}

/** Writes (or rewrites) the directory and its public-read ACL. Run as DIRECTORY_OWNER. */
export async function publishDirectory(fetch: Fetch, baseUrl: string): Promise<string> {
  const directory = demoDirectory(baseUrl);
  await putTurtle(
    fetch,
    directory.url,
    await turtle(directoryToQuads(directory), {
      dct: NS.dct, skos: 'http://www.w3.org/2004/02/skos/core#', org: 'http://www.w3.org/ns/org#', vcard: NS.vcard, foaf: NS.foaf,
    }),
  );
  const acl = await aclUrlOf(fetch, directory.url);
  await putTurtle(fetch, acl, await aclTurtle(aclQuads(acl, directory.url, publicReadRules(webIdOf(baseUrl, DIRECTORY_OWNER)))));
  return directory.url;
}
