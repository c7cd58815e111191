/**
 * A patient's health layout, written as the patient: the containers under
 * `health/`, one .acl per container from the patient's grants
 * (apps/shared/health-acl.ts), the consent records behind those grants, and
 * the registration of the measurement containers in the patient's *private*
 * type index (never the public one: that would tell the world which kinds of
 * health data the pod holds). Every step is idempotent.
 */
import { buildThing, getSolidDataset, getThing, getUrl, saveSolidDatasetAt, setThing } from '@inrupt/solid-client';
import type { Quad } from 'n3';
import { healthAclTurtle, type HealthAccess } from '../../apps/shared/health-acl.ts';
import { healthContainers } from '../../apps/shared/health-layout.ts';
import { consentDocument, consentRecordToQuads } from '../../apps/shared/measurement/consent.ts';
import { NS, RDF, SOSA } from '../../vocab/terms.ts';
import { appendQuads, ensureContainer, putTurtle } from './pod-writes.ts';

type Fetch = typeof fetch;

const SOLID = {
  TypeRegistration: `${NS.solid}TypeRegistration`,
  forClass: `${NS.solid}forClass`,
  instanceContainer: `${NS.solid}instanceContainer`,
  privateTypeIndex: `${NS.solid}privateTypeIndex`,
};
const PIM_PREFERENCES_FILE = `${NS.pim}preferencesFile`;

/**
 * Creates the health containers and (re)writes their ACLs. Returns how many containers were new.
 * Not access-log/: the pod server creates it with its own ACL and refuses every write to it over HTTP.
 */
export async function writeHealthLayout(fetch: Fetch, pod: string, access: HealthAccess): Promise<number> {
  let created = 0;
  // Parents first; each container's ACL is written before its children exist.
  for (const container of healthContainers(pod).filter((c) => c.kind !== 'access-log')) {
    const { acl, created: isNew } = await ensureContainer(fetch, container.url);
    if (isNew) created += 1;
    await putTurtle(fetch, acl, await healthAclTurtle(container, access, acl));
  }
  return created;
}

/** The patient's private type index, found through profile -> pim:preferencesFile -> solid:privateTypeIndex. */
export async function privateTypeIndexOf(fetch: Fetch, webId: string): Promise<string> {
  const profile = await getSolidDataset(webId.replace(/#.*$/, ''), { fetch });
  const preferences = getThing(profile, webId) && getUrl(getThing(profile, webId)!, PIM_PREFERENCES_FILE);
  if (!preferences) throw new Error(`${webId} links no pim:preferencesFile; was the pod made from Helsevev's pod template?`);
  const prefs = await getSolidDataset(preferences, { fetch });
  const index = getThing(prefs, webId) && getUrl(getThing(prefs, webId)!, SOLID.privateTypeIndex);
  if (!index) throw new Error(`${preferences} links no solid:privateTypeIndex for ${webId}`);
  return index;
}

/** Registers each measurement container as holding sosa:Observation, in the private type index. */
export async function registerMeasurementContainers(fetch: Fetch, webId: string, pod: string): Promise<number> {
  const index = await privateTypeIndexOf(fetch, webId);
  let dataset = await getSolidDataset(index, { fetch });
  let added = 0;
  for (const container of healthContainers(pod)) {
    if (container.kind !== 'category') continue;
    const url = `${index}#measurements-${container.category}`;
    if (getThing(dataset, url)) continue;
    dataset = setThing(
      dataset,
      buildThing({ url })
        .addUrl(RDF.type, SOLID.TypeRegistration)
        .addUrl(SOLID.forClass, SOSA.Observation)
        .addUrl(SOLID.instanceContainer, container.url)
        .build(),
    );
    added += 1;
  }
  if (added > 0) await saveSolidDatasetAt(index, dataset, { fetch });
  return added;
}

/**
 * Records each grant (a reader's Read, a device vendor's Append) as a DPV consent record in `health/consent/`, dated
 * `created` (fixed per world, so re-running writes the same triples).
 */
export async function recordConsent(fetch: Fetch, pod: string, access: HealthAccess, created: string): Promise<void> {
  const byDocument = new Map<string, Quad[]>();
  for (const container of healthContainers(pod)) {
    if (container.kind !== 'category') continue;
    const recipients = [
      ...(access.readers[container.category] ?? []).map((g) => ('group' in g ? g.group : g.agent)),
      ...(access.appenders[container.category] ?? []),
    ];
    for (const recipient of recipients) {
      const quads = consentRecordToQuads(
        { dataSubject: access.owner, recipient, data: container.url, status: 'given', created },
        pod,
      );
      const document = consentDocument(pod, created);
      byDocument.set(document, [...(byDocument.get(document) ?? []), ...quads]);
    }
  }
  for (const [document, quads] of byDocument) await appendQuads(fetch, document, quads);
}
