// Which profiles are open in which views, and which one is "current": the one the hot-line
// annotations and "Reveal in Flame Graph" use (the most recently opened or focused).
import * as vscode from 'vscode';
import type { Profile } from '../model/types';
import type { HostMessage, TimeRange } from '../protocol';
import type { Log } from '../log';

export interface ProfileEntry {
  readonly profile: Profile;
  readonly title: string;
  /** Where it came from (profile file, or a session folder for captures); shown in messages. */
  readonly source: string;
  /** A timeline range the view opens scoped to (a load run's measured window in its whole recording). */
  readonly initialRange?: TimeRange;
}

/** A view (panel or custom editor) showing one entry. */
export interface ProfileView {
  readonly entry: ProfileEntry;
  readonly visible: boolean;
  /** Posts now if the webview is loaded, else once it has been shown and initialised. */
  postWhenReady(message: HostMessage): void;
  show(): void;
}

export class ProfileRegistry implements vscode.Disposable {
  private currentEntry: ProfileEntry | undefined;
  private readonly views = new Set<ProfileView>();
  /** Time slices of entries whose view has a timeline range selected. */
  private readonly scopes = new Map<ProfileEntry, Profile>();
  private readonly changed = new vscode.EventEmitter<ProfileEntry | undefined>();
  readonly onDidChangeCurrent = this.changed.event;

  /** `log` is where the views report load timings and their webviews' errors. */
  constructor(readonly log: Log) {}

  get current(): ProfileEntry | undefined {
    return this.currentEntry;
  }

  setCurrent(entry: ProfileEntry | undefined): void {
    if (entry === this.currentEntry) return;
    this.currentEntry = entry;
    this.changed.fire(entry);
  }

  /** What hot lines show for an entry: the time slice its view selected, else the whole profile. */
  profileOf(entry: ProfileEntry): Profile {
    return this.scopes.get(entry) ?? entry.profile;
  }

  /** A view selected (or, with undefined, cleared) a timeline range: hot lines follow when it is the current entry. */
  setScope(entry: ProfileEntry, slice: Profile | undefined): void {
    if (slice === this.scopes.get(entry)) return;
    if (slice) this.scopes.set(entry, slice);
    else this.scopes.delete(entry);
    if (entry === this.currentEntry) this.changed.fire(entry);
  }

  register(view: ProfileView): vscode.Disposable {
    this.views.add(view);
    return new vscode.Disposable(() => {
      this.views.delete(view);
      // The last view of the current profile closed: keep its annotations only if another view shows it.
      if (view.entry === this.currentEntry && ![...this.views].some((v) => v.entry === view.entry)) {
        const next = [...this.views].pop();
        this.setCurrent(next?.entry);
      }
    });
  }

  /** Views of the current profile, visible ones first. */
  viewsOfCurrent(): ProfileView[] {
    return [...this.views].filter((v) => v.entry === this.currentEntry).sort((a, b) => Number(b.visible) - Number(a.visible));
  }

  dispose(): void {
    this.views.clear();
    this.scopes.clear();
    this.changed.dispose();
  }
}
