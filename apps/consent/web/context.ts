/** What every view of the page gets: language, texts, the pod session and a way to report. */
import type { Directory } from '../../shared/directory.ts';
import type { Lang, MessageKey } from '../i18n.ts';
import type { Patient } from '../pod.ts';

export interface PageConfig {
  /** The pod server's base URL, also its Solid-OIDC issuer. */
  readonly podBaseUrl: string;
  readonly oidcIssuer: string;
  /** The public directory of organisations (apps/shared/directory.ts). */
  readonly directoryUrl: string;
  /** The gateway that pairs devices (apps/shared/pairing.ts), ends with a slash. */
  readonly gatewayUrl: string;
  /** The page's Client Identifier Document (`{origin}/id`), when its server serves one. */
  readonly clientId?: string;
}

export interface ViewContext {
  readonly lang: Lang;
  readonly config: PageConfig;
  readonly patient: Patient;
  readonly directory: Directory;
  readonly fetch: typeof fetch;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** A polite status line (saved, loading ...), read out by screen readers. */
  status(text: string): void;
  /** Shows an error a person understands, with "try again" running `retry`. */
  fail(error: unknown, retry?: () => void): void;
  /** Renders the current view again (after a change of state). */
  rerender(): void;
}
