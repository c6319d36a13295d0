/**
 * Who is calling, and what they may do: roles (viewer < editor < admin), per-model scope and the
 * checks every resolver goes through. Pure: no I/O.
 *
 * Roles (issue #5): VIEWER reads, exports and reports (risk committee); EDITOR also changes models
 * and accepts recommendations (threat-modelling workshop); ADMIN also manages users, API keys and
 * the catalogue, reads the audit trail, and deletes models. ADMIN is never model-scoped.
 */
import { AuthenticationError, ForbiddenError } from '../errors';

export const ROLES = ['VIEWER', 'EDITOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** How the caller proved who they are. DEV: the development mode without authentication. */
export type PrincipalKind = 'USER' | 'API_KEY' | 'OIDC' | 'DEV' | 'ANONYMOUS';

export interface Principal {
  kind: PrincipalKind;
  /** Stable id: user id, API key id, OIDC `sub` (prefixed `oidc:`), 'dev' or 'anonymous'. */
  id: string;
  /** Display name for logs and the audit trail. */
  name: string;
  /** null for ANONYMOUS. */
  role: Role | null;
  /** Models the principal may touch; null = every model. */
  modelIds: string[] | null;
  /**
   * USER principals signed in with a session token: the token's id (`jti`) and expiry (epoch ms),
   * so `logout` can revoke exactly this token. Absent for every other kind of credential.
   */
  session?: { id: string; expiresAt: number };
}

/** Who made a change, for the audit trail: the principal, the GraphQL operation, the request id. */
export interface Actor {
  principal: Principal;
  /** The root field that made the change, e.g. "createDevice", or a system action ("bootstrap"). */
  action: string;
  requestId: string;
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: 'ANONYMOUS',
  id: 'anonymous',
  name: 'anonymous',
  role: null,
  modelIds: null,
}) as Principal;

/** The principal of the development mode (MEDTHREAT_DEV_NO_AUTH): an admin over every model. */
export const DEV_PRINCIPAL: Principal = Object.freeze({
  kind: 'DEV',
  id: 'dev',
  name: 'development mode (no authentication)',
  role: 'ADMIN',
  modelIds: null,
}) as Principal;

/** The actor of start-up work (catalogue and demo seeding, first admin). */
export const SYSTEM_ACTOR: Actor = Object.freeze({
  principal: Object.freeze({ kind: 'DEV', id: 'system', name: 'system', role: 'ADMIN', modelIds: null }) as Principal,
  action: 'bootstrap',
  requestId: 'startup',
}) as Actor;

/**
 * The actor of the admin-reset command (server/src/reset-password.ts), run by someone with access to
 * the machine and the database credentials. `who` (the OS user and host) goes into the name, so the
 * audit trail says who reset what.
 */
export function localAdminResetActor(who: string): Actor {
  return {
    principal: {
      kind: 'DEV',
      id: 'local-admin-reset',
      name: `local admin reset (${who})`,
      role: 'ADMIN',
      modelIds: null,
    },
    action: 'resetPassword',
    requestId: `local-admin-reset-${Date.now()}`,
  };
}

const RANK: Record<Role, number> = { VIEWER: 1, EDITOR: 2, ADMIN: 3 };

/** True when `role` includes everything `required` may do. */
export function roleAtLeast(role: Role | null, required: Role): boolean {
  return role !== null && RANK[role] >= RANK[required];
}

/** True when the principal's scope includes the model (admins and unscoped principals: all). */
export function canAccessModel(p: Principal, modelId: string): boolean {
  if (p.role === null) return false;
  if (p.role === 'ADMIN' || p.modelIds === null) return true;
  return p.modelIds.includes(modelId);
}

/**
 * Throws unless the principal has at least `required` and, when `modelId` is given, the model is
 * in its scope. AuthenticationError (UNAUTHENTICATED) for anonymous callers, ForbiddenError
 * (FORBIDDEN) otherwise; the message names the role or model, never another model's content.
 */
export function authorize(p: Principal, required: Role, modelId?: string): void {
  if (p.role === null) throw new AuthenticationError('sign in or send an API key (Authorization: Bearer ...)');
  if (!roleAtLeast(p.role, required)) {
    throw new ForbiddenError(`this operation needs the ${required} role; you have ${p.role}`);
  }
  if (modelId !== undefined && !canAccessModel(p, modelId)) {
    // echo the id only when it looks like one: hostile input is not repeated back
    const named = /^[A-Za-z0-9_.:-]{1,64}$/.test(modelId) ? ` '${modelId}'` : '';
    throw new ForbiddenError(`you have no access to model${named}`, 'modelId');
  }
}
