/**
 * "My devices": the patient pairs a measuring device by the code it shows
 * (RFC 8628's user code; `?code=` in the page's URL pre-fills it), sees who
 * asks and for which kinds, and approves some kinds or refuses; below, the
 * paired devices, each with an Unpair button (docs/gateway.md, "Pairing").
 *
 * The pod's ACLs follow the pairings (apps/shared/device-access.ts): on
 * approve the vendor's Append is written FIRST, then the decision is sent
 * (the device may send at once, and its readings must not meet a 403 at
 * delivery); on unpair the gateway is told first, then the ACLs are made to
 * match what it still delivers; on every load the ACLs are reconciled.
 */
import { kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import { DeviceAccessError, reconcileDeviceAccess, type ComingPairing } from '../../shared/device-access.ts';
import {
  decidePairing, formatUserCode, GatewayError, lookUpPairing, normaliseUserCode, revokeDevice,
  type DeviceDescription, type PairedDevice, type PairingRequestView,
} from '../../shared/pairing.ts';
import { h } from '../../shared/web/dom.ts';
import { formatDateTime } from '../i18n.ts';
import type { ViewContext } from './context.ts';

interface DevicesState {
  devices?: PairedDevice[];
  code: string;
  codeError: boolean;
  request?: PairingRequestView;
  chosen: Set<KindId>;
  busy: boolean;
}

const state: DevicesState = { code: '', codeError: false, chosen: new Set(), busy: false };

/** A code from the URL (the gateway's verification_uri_complete), kept across the login redirect. */
const CODE_KEY = 'helsevev.consent.code';
/**
 * Remembers a pairing code given in `url` (`?code=`, or `#devices?code=`) and returns `url` without it, or
 * undefined when there is none. A login redirect's `?code=&state=` is the pod server's, never a pairing code.
 */
export function takeCodeFromUrl(url: URL): URL | undefined {
  const inHash = new URLSearchParams(url.hash.split('?')[1] ?? '');
  const code = url.searchParams.has('state') ? null : url.searchParams.get('code') ?? inHash.get('code');
  if (!code || !normaliseUserCode(code)) return undefined;
  sessionStorage.setItem(CODE_KEY, code);
  const rest = new URL(url.href);
  rest.searchParams.delete('code');
  rest.hash = '#devices';
  return rest;
}

export const devicesLoaded = () => state.devices !== undefined;

export function resetDevices(): void {
  delete state.devices;
  delete state.request;
  state.code = '';
  state.codeError = false;
  state.busy = false;
}

/** The devices the gateway knows, and the pod's ACLs made to match them (and `coming`, about to be approved). */
async function reconcile(ctx: ViewContext, coming?: ComingPairing): Promise<void> {
  const patient = { fetch: ctx.fetch, storage: ctx.patient.pod, webId: ctx.patient.webId };
  state.devices = (await reconcileDeviceAccess(ctx.config.gatewayUrl, patient, coming)).devices;
}

export async function loadDevices(ctx: ViewContext): Promise<void> {
  state.code ||= sessionStorage.getItem(CODE_KEY) ?? '';
  await reconcile(ctx);
}

/** An error of this view in words a patient can act on (main.ts's describe asks here first). */
export function describeDeviceError(t: ViewContext['t'], gatewayUrl: string, error: unknown): string | undefined {
  if (error instanceof GatewayError) {
    if (error.status === 401) return t('devices.error.login');
    if (error.status === 404) return t('devices.error.notFound');
    if (error.status === 429) return t('devices.error.tooMany');
    return t('devices.error.gateway', { detail: error.message.replace(/^[^:]*: /, '') });
  }
  if (error instanceof DeviceAccessError) {
    return error.reason === 'unknown-rules' ? t('devices.error.locked', { what: error.detail.replace(/:.*$/, '') }) : t('devices.error.gateway', { detail: error.detail });
  }
  if (error instanceof TypeError && /fetch|network|load failed/i.test(error.message)) return t('devices.error.gatewayUnreachable', { url: gatewayUrl });
  return undefined;
}

const kindName = (ctx: ViewContext, k: KindId) => kindSpec(k).names[ctx.lang];
const kindList = (ctx: ViewContext, kinds: readonly KindId[]) => kinds.map((k) => kindName(ctx, k).toLowerCase()).join(', ');
const deviceName = (d: DeviceDescription) => d.name ?? [d.manufacturer, d.model].filter(Boolean).join(' ');

/** Runs `task` with the view busy; a failure is shown with "try again". */
async function busy(ctx: ViewContext, task: () => Promise<void>, retry?: () => void): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  ctx.status(ctx.t('saving'));
  ctx.rerender();
  try {
    await task();
  } catch (error) {
    ctx.status('');
    ctx.fail(error, retry);
  } finally {
    state.busy = false;
    ctx.rerender();
  }
}

function lookUp(ctx: ViewContext): void {
  const code = normaliseUserCode(state.code);
  state.codeError = code === undefined;
  delete state.request;
  if (!code) {
    ctx.rerender();
    return;
  }
  void busy(ctx, async () => {
    state.request = await lookUpPairing(ctx.config.gatewayUrl, code, ctx.fetch);
    state.chosen = new Set(state.request.kinds);
    ctx.status('');
  }).then(() => document.getElementById('request-h')?.focus()); // read out next: who asks, for what
}

function approve(ctx: ViewContext, request: PairingRequestView): void {
  const kinds = request.kinds.filter((k) => state.chosen.has(k));
  if (kinds.length === 0) return;
  void busy(ctx, async () => {
    // The pod first: the new device's Append, as if already paired.
    await reconcile(ctx, { asked: request, kinds });
    try {
      await decidePairing(ctx.config.gatewayUrl, request.userCode, { decision: 'approve', kinds }, ctx.fetch);
    } catch (error) {
      // Not paired after all: take the Append away again, then say so.
      await reconcile(ctx).catch(() => {});
      throw error;
    }
    done(ctx, ctx.t('devices.approved', { device: deviceName(request.device), kinds: kindList(ctx, kinds) }));
    await reconcile(ctx);
  });
}

function refuse(ctx: ViewContext, request: PairingRequestView): void {
  void busy(ctx, async () => {
    await decidePairing(ctx.config.gatewayUrl, request.userCode, { decision: 'refuse' }, ctx.fetch);
    done(ctx, ctx.t('devices.refused', { device: deviceName(request.device) }));
  });
}

/** The code is used: forget it and the request, say what happened. */
function done(ctx: ViewContext, message: string): void {
  sessionStorage.removeItem(CODE_KEY);
  state.code = '';
  delete state.request;
  ctx.status(message);
}

function revoke(ctx: ViewContext, device: PairedDevice): void {
  void busy(ctx, async () => {
    await revokeDevice(ctx.config.gatewayUrl, device.id, ctx.fetch);
    await reconcile(ctx);
    ctx.status(ctx.t('devices.revoked', { device: deviceName(device.device) }));
  }, () => revoke(ctx, device));
}

function codeForm(ctx: ViewContext): HTMLElement {
  const describedBy = state.codeError ? 'code-hint code-error' : 'code-hint';
  return h('form', {
    class: 'pair', novalidate: true,
    onsubmit: (event: Event) => { event.preventDefault(); lookUp(ctx); },
  },
  h('label', { for: 'pairing-code' }, ctx.t('devices.code.label')),
  h('p', { id: 'code-hint', class: 'muted' }, ctx.t('devices.code.hint')),
  h('div', { class: 'pair-row' },
    h('input', {
      id: 'pairing-code', name: 'code', type: 'text', value: state.code, autocomplete: 'off', autocapitalize: 'characters',
      spellcheck: 'false', maxlength: 20, 'data-focus': 'pairing-code', 'aria-describedby': describedBy, 'aria-invalid': state.codeError ? 'true' : undefined,
      oninput: (event: Event) => { state.code = (event.target as HTMLInputElement).value; },
    }),
    h('button', { type: 'submit', id: 'look-up', 'data-focus': 'look-up', disabled: state.busy }, ctx.t('devices.code.lookUp'))),
  state.codeError ? h('p', { id: 'code-error', class: 'field-error', role: 'alert' }, ctx.t('devices.code.invalid')) : null);
}

function requestPanel(ctx: ViewContext, request: PairingRequestView): HTMLElement {
  const d = request.device;
  const none = state.chosen.size === 0;
  const row = (term: string, ...value: (string | HTMLElement)[]) => [h('dt', {}, term), h('dd', {}, ...value)];
  return h('section', { class: 'panel request', 'aria-labelledby': 'request-h' },
    h('h3', { id: 'request-h', tabindex: -1 }, ctx.t('devices.request.heading', { code: formatUserCode(normaliseUserCode(request.userCode) ?? request.userCode) })),
    h('dl', { class: 'facts' },
      row(ctx.t('devices.request.vendor'), request.vendor.name, h('br', {}), h('span', { class: 'iri' }, request.vendor.webId)),
      request.platform ? row(ctx.t('devices.request.platform'), `${request.platform.name} (${request.platform.clientId})`) : null,
      row(ctx.t('devices.request.device'), [d.manufacturer, d.model].filter(Boolean).join(' '), d.name ? ` «${d.name}»` : '', h('br', {}),
        ctx.t('devices.request.serial', { id: d.id })),
      row(ctx.t('devices.request.expires'), h('time', { datetime: request.expiresAt }, formatDateTime(ctx.lang, request.expiresAt)))),
    h('fieldset', { class: 'kinds' },
      h('legend', {}, ctx.t('devices.request.kinds')),
      request.kinds.map((k) => h('div', { class: 'kind' },
        h('input', {
          type: 'checkbox', id: `kind-${k}`, 'data-focus': `kind-${k}`, checked: state.chosen.has(k), disabled: state.busy,
          onchange: (event: Event) => {
            if ((event.target as HTMLInputElement).checked) state.chosen.add(k);
            else state.chosen.delete(k);
            ctx.rerender();
          },
        }),
        h('label', { for: `kind-${k}` }, kindName(ctx, k))))),
    none ? h('p', { class: 'notice', id: 'no-kinds' }, ctx.t('devices.request.noKinds')) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'approve', 'data-focus': 'approve', disabled: state.busy || none, 'aria-describedby': none ? 'no-kinds' : undefined,
        onclick: () => approve(ctx, request) }, ctx.t('devices.approve')),
      h('button', { type: 'button', id: 'refuse', class: 'secondary', 'data-focus': 'refuse', disabled: state.busy,
        onclick: () => refuse(ctx, request) }, ctx.t('devices.refuse'))));
}

function deviceStatus(ctx: ViewContext, d: PairedDevice): string {
  if (d.revokedAt === undefined) return ctx.t('devices.list.active');
  const when = formatDateTime(ctx.lang, d.revokedAt);
  return d.pendingReadings > 0 ? ctx.t('devices.list.pending', { when, count: d.pendingReadings }) : ctx.t('devices.list.revoked', { when });
}

function deviceList(ctx: ViewContext, devices: readonly PairedDevice[]): HTMLElement {
  const time = (iso: string) => h('time', { datetime: iso }, formatDateTime(ctx.lang, iso));
  return h('section', { 'aria-labelledby': 'devices-list-h' },
    h('h3', { id: 'devices-list-h' }, ctx.t('devices.list.heading')),
    devices.length === 0 ? h('p', {}, ctx.t('devices.list.empty')) : h('ul', { class: 'devices', id: 'paired-devices' }, devices.map((d, i) => {
      const name = deviceName(d.device);
      return h('li', { class: d.revokedAt ? 'device revoked' : 'device', 'data-device': d.id },
        h('h4', {}, name, ' ', h('span', { class: 'muted' }, d.device.id)),
        h('dl', { class: 'facts' },
          h('dt', {}, ctx.t('devices.list.vendor')), h('dd', {}, d.platform ? `${d.vendor.name} (${d.platform.name})` : d.vendor.name),
          h('dt', {}, ctx.t('devices.list.kinds')), h('dd', {}, d.kinds.map((k) => kindName(ctx, k)).join(', ')),
          h('dt', {}, ctx.t('devices.list.paired')), h('dd', {}, time(d.pairedAt)),
          h('dt', {}, ctx.t('devices.list.lastReading')), h('dd', {}, d.lastReadingAt ? time(d.lastReadingAt) : ctx.t('devices.list.never')),
          h('dt', {}, ctx.t('devices.list.status')), h('dd', { class: 'device-status' }, deviceStatus(ctx, d))),
        d.revokedAt === undefined
          ? h('button', { type: 'button', class: 'secondary', 'data-focus': `revoke-${i}`, disabled: state.busy,
            'aria-label': ctx.t('devices.revokeLabel', { device: name }), onclick: () => revoke(ctx, d) }, ctx.t('devices.revoke'))
          : null);
    })));
}

export function renderDevices(ctx: ViewContext): HTMLElement {
  const devices = state.devices;
  if (!devices) return h('p', { class: 'loading' }, ctx.t('loading'));
  return h('section', { 'aria-labelledby': 'view-heading' },
    h('h2', { id: 'view-heading', tabindex: -1 }, ctx.t('devices.heading')),
    h('p', {}, ctx.t('devices.intro')),
    h('section', { class: 'panel', 'aria-labelledby': 'pair-h' },
      h('h3', { id: 'pair-h' }, ctx.t('devices.pair.heading')),
      h('p', {}, ctx.t('devices.pair.intro')),
      codeForm(ctx)),
    state.request ? requestPanel(ctx, state.request) : null,
    deviceList(ctx, devices));
}
