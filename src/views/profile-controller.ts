// One controller per open flame-graph webview: answers the webview's protocol messages from the
// profile held in the host. The webview only ever receives pruned trees and tables.
import * as vscode from 'vscode';
import { applyViewOptions } from '../model/view';
import { sliceProfileInChunks } from '../model/time-slice';
import type { Profile } from '../model/types';
import { defaultViewOptions, isWebviewMessage, type HostMessage, type TimeRange, type ViewOptions, type WebviewMessage } from '../protocol';
import { makeNonce, renderWebviewHtml } from '../webview-page/html';
import { openFrameLocation } from './open-location';
import { embeddedPreviewSize, flameChartMessageInChunks, initMessage, isValidNode, previewMessage, sandwichMessage, searchMessage, subtreeMessage, treeAndTable } from '../webview-page/payload';
import type { ProfileEntry, ProfileRegistry, ProfileView } from './profile-registry';
import { escapeNotificationText } from '../model/escape-text';
import { checkWebviewSvg } from '../export/formats';
import { ReplyWaits } from './reply-waits';
import { webviewL10n } from './webview-l10n';
import type { Log } from '../log';
import { loadTracksForProfile } from '../load/profile-run';
import type { LoadTracksPayload } from '../model/timeline';
import { ChartTickets } from '../webview-page/chart-tickets';

/** How long Export Profile… waits for the webview's SVG before telling the user. */
export const svgReplyTimeoutMs = 10_000;

/** Webview options shared by panels and custom editors: scripts on, only dist/ and media/ readable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The page's HTML; with `preview` (previewMessage) embedded, the page paints it before it says `ready`. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string, preview?: HostMessage): string {
  return renderWebviewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
    nonce: makeNonce(),
    title,
    ...webviewL10n(),
    ...(preview ? { preview } : {}),
  });
}

export interface ViewHost {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
  readonly onDidChangeViewState: vscode.Event<unknown>;
  reveal(): void;
}

/**
 * Shows `entry` in a webview panel (a panel of ours or a custom editor's): a controller that is
 * disposed with the panel, after which `onDispose` runs.
 */
export function controlPanel(panel: vscode.WebviewPanel, entry: ProfileEntry, extensionUri: vscode.Uri, registry: ProfileRegistry, onDispose?: () => void): ProfileViewController {
  const host: ViewHost = {
    webview: panel.webview,
    get visible() {
      return panel.visible;
    },
    onDidChangeViewState: panel.onDidChangeViewState,
    reveal: () => panel.reveal(),
  };
  const controller = new ProfileViewController(host, entry, extensionUri, registry);
  panel.onDidDispose(() => {
    controller.dispose();
    onDispose?.();
  });
  return controller;
}

export class ProfileViewController implements ProfileView, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private options: ViewOptions = defaultViewOptions;
  private view: Profile;
  /** The timeline range the webview selected (null: the whole profile) and the profile restricted to it. */
  private range: TimeRange | null = null;
  private scoped: Profile;
  /** Bumped by every range request (and reload): a slice still being cut for an older one stops. */
  private rangeTicket = 0;
  /** Bumped by every flame chart request (and on dispose): a layout still in progress for an older one stops. */
  private readonly chartTickets = new ChartTickets();
  /** Bumped by every `ready` (a reloaded page): view work queued for the page before it is dropped. */
  private viewGeneration = 0;
  /** setOptions and setRange run one after another: a slice is cut in chunks, and options apply to its result. */
  private work: Promise<void> = Promise.resolve();
  /** True between the webview's `ready` (answered with init) and it being hidden (it is then unloaded). */
  private loaded = false;
  private readonly pending: HostMessage[] = [];
  private readonly svgWaits = new ReplyWaits<string>();
  private readonly log: Log;
  private readonly registry: ProfileRegistry;
  /** The entry's preselected range, sent with the first init only (a reloaded page keeps its own, or its clearing of it). */
  private initialRange: TimeRange | undefined;

  constructor(
    private readonly host: ViewHost,
    readonly entry: ProfileEntry,
    extensionUri: vscode.Uri,
    registry: ProfileRegistry,
  ) {
    this.view = entry.profile;
    this.scoped = entry.profile;
    this.initialRange = entry.initialRange;
    this.registry = registry;
    this.log = registry.log;
    host.webview.options = webviewOptions(extensionUri);
    // The top of the default view goes in the HTML: the page paints it as it boots, with no round
    // trip first (its `ready` then asks for the init). A reloaded page with saved filters ignores it.
    // A preselected range (Open Full Recording) gets none: the whole profile is not what it opens on.
    const preview = entry.initialRange ? undefined : previewMessage(entry.profile, entry.profile, entry.title, defaultViewOptions, embeddedPreviewSize);
    host.webview.html = webviewHtml(host.webview, extensionUri, entry.title, preview);
    this.disposables.push(
      host.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      host.onDidChangeViewState(() => {
        if (!host.visible) this.loaded = false;
        else registry.setCurrent(entry);
      }),
      registry.register(this),
    );
    registry.setCurrent(entry);
  }

  get visible(): boolean {
    return this.host.visible;
  }

  show(): void {
    this.host.reveal();
  }

  /** The view options the webview shows now (Export Profile… applies its filters). */
  get viewOptions(): ViewOptions {
    return this.options;
  }

  postWhenReady(message: HostMessage): void {
    if (this.loaded && this.host.visible) void this.host.webview.postMessage(message);
    else this.pending.push(message);
  }

  /**
   * The SVG of what the webview draws now (filters, direction, zoom), for Export Profile…. The reply
   * is checked (checkWebviewSvg) and only ever written to a file; no answer within `timeoutMs` is an error.
   */
  requestSvg(timeoutMs = svgReplyTimeoutMs): Promise<string> {
    return this.svgWaits.request(
      (requestId) => this.postWhenReady({ type: 'svgRequest', requestId }),
      timeoutMs,
      vscode.l10n.t('the flame graph view did not send its SVG within {0} s; show the view and export again', Math.round(timeoutMs / 1000)),
    );
  }

  /** The webview's answer to requestSvg: settles the wait (a late or unknown answer is dropped). */
  private receiveSvg(message: Extract<WebviewMessage, { type: 'svg' }>): void {
    this.svgWaits.settle(message.requestId, () => {
      // The webview's own words, shown in a notification: bounded and with control characters visible.
      if (typeof message.error === 'string') throw new Error(escapeNotificationText(message.error.slice(0, 500)));
      return checkWebviewSvg(message.svg);
    });
  }

  private post(message: HostMessage): void {
    void this.host.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    if (!isWebviewMessage(raw)) return;
    try {
      this.handle(raw);
    } catch (err) {
      const requestId = 'requestId' in raw && typeof raw.requestId === 'number' ? raw.requestId : undefined;
      this.post({ type: 'error', ...(requestId !== undefined ? { requestId } : {}), message: (err as Error).message });
    }
  }

  private handle(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready': {
        // A (re)loaded webview starts from the defaults and re-sends its saved options itself; what the
        // page before it asked for and is still queued is dropped (it would change the view under the new page).
        this.viewGeneration++;
        this.options = defaultViewOptions;
        this.view = this.entry.profile;
        this.rangeTicket++;
        this.setRange(null, this.entry.profile);
        // A preview first when the page asks for one: the top of the tree paints in a fraction of
        // the time the full payload takes to build, send and lay out; `previewPainted` gets the rest.
        // A preselected range: no preview of the whole profile first (the page asks for the range with the init).
        if (!message.preview || this.initialRange) {
          this.sendInit();
          return;
        }
        // Nothing is built for the init until the page asks: building it here would hold up the preview's delivery.
        this.post(previewMessage(this.entry.profile, this.view, this.entry.title, this.options, message.preview));
        return;
      }
      case 'previewPainted':
        this.sendInit();
        return;
      case 'setOptions': {
        const options = { ...defaultViewOptions, ...message.options };
        // Built before anything changes: a view that fails leaves the one the page still shows in place.
        this.enqueue(message.requestId, () => {
          const view = applyViewOptions(this.scoped, options);
          const payload = treeAndTable(view);
          this.options = options;
          this.view = view;
          this.post({ type: 'tree', requestId: message.requestId, ...payload });
        });
        return;
      }
      case 'setRange': {
        const range = message.range;
        if (range !== null && !isTimeRange(range)) throw new Error('the timeline range is not a pair of times with from < to');
        const ticket = ++this.rangeTicket;
        this.enqueue(message.requestId, async () => {
          const profile = this.entry.profile;
          // A slice of a multi-million-sample profile takes a while: cut it in chunks between other work.
          const scoped = range ? await sliceProfileInChunks(profile, range.from, range.to, yieldToEventLoop, () => ticket !== this.rangeTicket) : profile;
          if (!scoped || ticket !== this.rangeTicket) return;
          const view = applyViewOptions(scoped, this.options);
          const payload = treeAndTable(view);
          this.setRange(range, scoped);
          this.view = view;
          this.post({ type: 'tree', requestId: message.requestId, ...payload });
        });
        return;
      }
      case 'expand':
        if (!isValidNode(this.view, message.nodeId)) throw new Error(`no node ${String(message.nodeId)} in this view`);
        this.post(subtreeMessage(this.view, message.requestId, message.nodeId));
        return;
      case 'sandwich':
        if (!isValidNode(this.view, message.nodeId)) throw new Error(`no node ${String(message.nodeId)} in this view`);
        this.post(sandwichMessage(this.view, message.requestId, message.nodeId));
        return;
      case 'search': {
        if (typeof message.term !== 'string') throw new Error('the search term is not text');
        const term = message.term;
        // After the view work queued before it: the page asks about the view whose tree it drew.
        this.enqueue(message.requestId, () => this.post(searchMessage(this.view, message.requestId, term)));
        return;
      }
      case 'flameChart': {
        const range = message.range;
        if (range !== null && !isTimeRange(range)) throw new Error('the timeline range is not a pair of times with from < to');
        // Laid out in chunks (a wide range of a big profile took 1.7 s in one go); which newer requests stop it: ChartTickets.
        const stale = this.chartTickets.take(message.detail === true);
        flameChartMessageInChunks(this.entry.profile, message.requestId, range, message.width, yieldToEventLoop, stale).then(
          (reply) => reply && !stale() && this.post(reply),
          (err: unknown) => this.post({ type: 'error', requestId: message.requestId, message: (err as Error).message }),
        );
        return;
      }
      case 'openLocation':
        openFrameLocation(message.url, message.line, message.column, message.name).catch((err: unknown) =>
          vscode.window.showErrorMessage(vscode.l10n.t('FlameLens: could not open {0}: {1}', escapeNotificationText(message.url), escapeNotificationText((err as Error).message))),
        );
        return;
      case 'export':
        void vscode.commands.executeCommand('flamelens.exportProfile', this);
        return;
      case 'svg':
        this.receiveSvg(message);
        return;
      case 'log':
        if (message.level === 'error') this.log.error(`webview (${this.entry.title}): ${message.message}`);
        return;
    }
  }

  /** The full view (tree, table, timeline) of the current view profile; messages held for the page follow it. */
  private sendInit(): void {
    const range = this.initialRange;
    this.initialRange = undefined;
    this.post({ ...initMessage(this.entry.profile, this.view, this.entry.title, this.options), ...(range ? { range } : {}) });
    const tracks = tracksOf(this.entry);
    if (tracks) this.post({ type: 'tracks', tracks });
    this.loaded = true;
    for (const m of this.pending.splice(0)) this.post(m);
  }

  /** The timeline range every view (tree, table, sandwich, hot lines) is scoped to. */
  get timeRange(): TimeRange | null {
    return this.range;
  }

  /** The profile cut to the timeline range (the whole profile when none is selected), before filters. */
  get scopedProfile(): Profile {
    return this.scoped;
  }

  /** Scopes the views to [from, to) of the profile's sample axis (null: the whole profile); hot lines follow. */
  private setRange(range: TimeRange | null, scoped: Profile): void {
    this.range = range && { from: range.from, to: range.to };
    this.scoped = scoped;
    this.registry.setScope(this.entry, range ? scoped : undefined);
  }

  /**
   * Runs `task` after the view work before it, unless the page reloaded meanwhile; its failure is answered
   * as an error of `requestId`.
   */
  private enqueue(requestId: number, task: () => void | Promise<void>): void {
    const generation = this.viewGeneration;
    this.work = this.work
      .then(() => (generation === this.viewGeneration ? task() : undefined))
      .catch((err: unknown) => this.post({ type: 'error', requestId, message: (err as Error).message }));
  }

  dispose(): void {
    this.rangeTicket++;
    this.chartTickets.stopAll();
    this.registry.setScope(this.entry, undefined);
    this.loaded = false;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.svgWaits.rejectAll(vscode.l10n.t('the flame graph view was closed before it sent its SVG'));
  }
}

/** Load-run tracks per profile, looked up once (the run file beside the profile's; see src/load/profile-run.ts). */
const tracksCache = new WeakMap<Profile, LoadTracksPayload | null>();

function tracksOf(entry: ProfileEntry): LoadTracksPayload | undefined {
  let tracks = tracksCache.get(entry.profile);
  if (tracks === undefined) {
    tracks = loadTracksForProfile(entry.profile, entry.source) ?? null;
    tracksCache.set(entry.profile, tracks);
  }
  return tracks ?? undefined;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function isTimeRange(r: unknown): r is TimeRange {
  if (typeof r !== 'object' || r === null) return false;
  const { from, to } = r as { from?: unknown; to?: unknown };
  return typeof from === 'number' && typeof to === 'number' && Number.isFinite(from) && Number.isFinite(to) && from < to;
}
