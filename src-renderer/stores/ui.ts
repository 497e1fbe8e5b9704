// UI state only: what the user is doing, never what the server holds (that is React Query's).
import { useEffect } from 'react';
import { create } from 'zustand';
import { type ScopeSelection } from '../../src-shared/schemas/accounts';
import { type RunTags } from '../../src-shared/tags';

/**
 * The trigger dialog's start: its job type, and for an edited re-run the run it repeats, whose params, tags (and place,
 * a `run-target.ts` value; null to ask) fill the form.
 */
export interface TriggerDraft {
  jobType: string;
  rerun?: { runId: number; params: Record<string, unknown>; tags: RunTags; target: string | null };
}

interface UiState {
  /** The switcher's choice while main is checking it; null once the session says where we are. */
  requestedScope: ScopeSelection | null;
  setRequestedScope(scope: ScopeSelection | null): void;
  /** The automation view's last query string, so leaving a run detail returns to the same filters. */
  automationQuery: string;
  setAutomationQuery(query: string): void;
  /** Whether the current view's first queries have settled (the shell's data-state, for tests and screen readers). */
  viewLoaded: boolean;
  setViewLoaded(loaded: boolean): void;
  triggerDialogOpen: boolean;
  /** What the trigger dialog opens on: a job type (the job types page's Trigger), a run to re-run, or null to choose. */
  triggerDraft: TriggerDraft | null;
  setTriggerDialogOpen(open: boolean, draft?: TriggerDraft | null): void;
  /** Whether the user's default view was looked at since the page loaded (it opens once, on an empty Automation URL). */
  defaultViewChecked: boolean;
  setDefaultViewChecked(checked: boolean): void;
  /** The run a confirmation asks to cancel. */
  cancelConfirmRunId: number | null;
  setCancelConfirmRunId(id: number | null): void;
  /** What the sign-in form says first about why the session ended (a restore); null after a sign-in. */
  signInNotice: string | null;
  setSignInNotice(notice: string | null): void;
}

export const useUiStore = create<UiState>()((set) => ({
  requestedScope: null,
  setRequestedScope: (requestedScope) => set({ requestedScope }),
  automationQuery: '',
  setAutomationQuery: (automationQuery) => set({ automationQuery }),
  viewLoaded: false,
  setViewLoaded: (viewLoaded) => set({ viewLoaded }),
  triggerDialogOpen: false,
  triggerDraft: null,
  setTriggerDialogOpen: (triggerDialogOpen, draft = null) => set({ triggerDialogOpen, triggerDraft: triggerDialogOpen ? draft : null }),
  defaultViewChecked: false,
  setDefaultViewChecked: (defaultViewChecked) => set({ defaultViewChecked }),
  cancelConfirmRunId: null,
  setCancelConfirmRunId: (cancelConfirmRunId) => set({ cancelConfirmRunId }),
  signInNotice: null,
  setSignInNotice: (signInNotice) => set({ signInNotice }),
}));

/** A view reports when its first queries have settled; a view without queries is loaded as soon as it shows. */
export function useViewLoaded(loaded: boolean): void {
  const setViewLoaded = useUiStore((state) => state.setViewLoaded);
  useEffect(() => {
    setViewLoaded(loaded);
  }, [loaded, setViewLoaded]);
}
