// UI state only: what the user is doing, never what the server holds (that is React Query's).
import { useEffect } from 'react';
import { create } from 'zustand';
import { type ScopeSelection } from '../../src-shared/schemas/accounts';

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
  /** The job type the trigger dialog opens on (the job types page's Trigger), or null to choose one. */
  triggerJobType: string | null;
  setTriggerDialogOpen(open: boolean, jobType?: string | null): void;
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
  triggerJobType: null,
  setTriggerDialogOpen: (triggerDialogOpen, jobType = null) => set({ triggerDialogOpen, triggerJobType: triggerDialogOpen ? jobType : null }),
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
