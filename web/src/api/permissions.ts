/**
 * What the signed-in principal may do, from `me.role` and `me.modelIds` only, mirroring the
 * server's access policy (server/src/resolvers/access.ts): VIEWER reads, exports and prints
 * reports; EDITOR also changes models and accepts recommendations; ADMIN also manages users, API
 * keys and the catalogue, reads the audit trail and deletes models. Non-admins may be limited to
 * some models. The web app only hides what a role cannot do; the server still enforces. Pure.
 */
import type { PrincipalFieldsFragment, Role } from './__generated__/graphql';

/** The principal as `me` returns it. */
export type Principal = PrincipalFieldsFragment;

/** Things the UI offers, each named after what it does. */
export type Action =
  | 'readModel'
  | 'exportModel'
  | 'createModel'
  | 'importModel'
  | 'editModel'
  | 'acceptRecommendation'
  | 'deleteModel'
  | 'manageUsers'
  | 'manageApiKeys'
  | 'readAuditTrail'
  | 'changeOwnPassword';

/** The least role of each action and whether a model's scope applies to it. */
export const ACTION_POLICY: Readonly<Record<Exclude<Action, 'changeOwnPassword'>, { role: Role; scoped: boolean }>> =
  Object.freeze({
    readModel: { role: 'VIEWER', scoped: true },
    exportModel: { role: 'VIEWER', scoped: true },
    createModel: { role: 'EDITOR', scoped: true },
    importModel: { role: 'EDITOR', scoped: true },
    editModel: { role: 'EDITOR', scoped: true },
    acceptRecommendation: { role: 'EDITOR', scoped: true },
    deleteModel: { role: 'ADMIN', scoped: true },
    manageUsers: { role: 'ADMIN', scoped: false },
    manageApiKeys: { role: 'ADMIN', scoped: false },
    readAuditTrail: { role: 'ADMIN', scoped: false },
  });

const RANK: Record<Role, number> = { VIEWER: 1, EDITOR: 2, ADMIN: 3 };

/** True when `role` includes everything `required` may do (each role includes the ones before it). */
export function roleAtLeast(role: Role | null, required: Role): boolean {
  return role !== null && RANK[role] >= RANK[required];
}

/** True when the principal's model scope includes `modelId` (admins and unscoped principals: every model). */
export function inScope(p: Principal, modelId: string): boolean {
  if (p.role === null) return false;
  return p.role === 'ADMIN' || p.modelIds === null || p.modelIds.includes(modelId);
}

/**
 * May `p` do `action` (on `modelId`, for model actions)? Without `modelId` a model action is
 * judged by role alone (e.g. "Import model…" before the file names its model).
 */
export function can(p: Principal | null | undefined, action: Action, modelId?: string): boolean {
  if (!p || p.role === null) return false;
  if (action === 'changeOwnPassword') return p.kind === 'USER';
  const rule = ACTION_POLICY[action];
  if (!roleAtLeast(p.role, rule.role)) return false;
  return !rule.scoped || modelId === undefined || inScope(p, modelId);
}

/** Human label of a role, for headers and tables. */
export const ROLE_LABEL: Readonly<Record<Role, string>> = Object.freeze({
  VIEWER: 'Viewer',
  EDITOR: 'Editor',
  ADMIN: 'Admin',
});

/** What each role may do, one line each (forms show it next to the role choice). */
export const ROLE_HINT: Readonly<Record<Role, string>> = Object.freeze({
  VIEWER: 'reads models, analyses and reports; exports',
  EDITOR: 'also changes models and accepts recommendations',
  ADMIN: 'also manages users, API keys and the catalogue; reads the audit trail; deletes models',
});
