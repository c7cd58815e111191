/**
 * Where a patient's health data lives in their pod (docs/pod-server.md):
 *
 *   {pod}health/                          patient only
 *     measurements/{category}/{YYYY-MM}.ttl
 *     notes/  plans/  consent/  access-log/
 *
 * Category slugs come from the catalogue (vocab/catalogue.ts); month and note
 * document names from apps/shared/measurement. This module only names
 * containers; it never reads or writes a pod.
 */
import { CATEGORIES, type KindId } from '../../vocab/catalogue.ts';
import { categoryContainer } from './measurement/identity.ts';
import { withSlash } from './pod-urls.ts';

export type HealthContainer =
  | { readonly kind: 'health' | 'measurements' | 'notes' | 'plans' | 'consent' | 'access-log'; readonly url: string }
  | { readonly kind: 'category'; readonly url: string; readonly category: KindId };

export function healthContainer(pod: string): string {
  return `${withSlash(pod)}health/`;
}

export function measurementsContainer(pod: string): string {
  return `${healthContainer(pod)}measurements/`;
}

/**
 * Every container of the health layout, parents before children, so creating
 * them in this order never relies on CSS creating intermediate containers.
 */
export function healthContainers(pod: string, categories: readonly KindId[] = CATEGORIES): HealthContainer[] {
  const health = healthContainer(pod);
  return [
    { kind: 'health', url: health },
    { kind: 'measurements', url: measurementsContainer(pod) },
    ...categories.map((category) => ({ kind: 'category' as const, url: categoryContainer(pod, category), category })),
    { kind: 'notes', url: `${health}notes/` },
    { kind: 'plans', url: `${health}plans/` },
    { kind: 'consent', url: `${health}consent/` },
    { kind: 'access-log', url: `${health}access-log/` },
  ];
}
