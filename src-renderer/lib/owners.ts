// Whose runs a figure is about (a business, system-wide runs, orphans; RunOwnerView) as the renderer names it, keys
// it and switches to it: the same words as the business switcher.
import { type ScopeSelection } from '../../src-shared/schemas/accounts';
import { type RunOwnerView } from '../../src-shared/tenancy';

export function ownerName(owner: RunOwnerView): string {
  switch (owner.kind) {
    case 'business':
      return owner.businessName;
    case 'system':
      return 'System-wide';
    case 'orphans':
      return 'Orphaned runs';
  }
}

/** A key for rows and test ids: `business-<id>`, `system` or `orphans`. */
export function ownerKey(owner: RunOwnerView): string {
  return owner.kind === 'business' ? `business-${owner.businessId}` : owner.kind;
}

/** The switcher's choice that shows this owner's runs. */
export function ownerScope(owner: RunOwnerView): ScopeSelection {
  return owner.kind === 'business' ? { kind: 'business', businessId: owner.businessId } : { kind: owner.kind };
}
