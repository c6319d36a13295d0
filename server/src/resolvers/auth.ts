/** Accounts, API keys, sessions and the audit trail: thin calls into AuthService and AuditService. */
import type { GraphQLResolveInfo } from 'graphql';
import { actorOf, type Context } from '../context';
import type { Role } from '../domain/auth/principal';

type Info = GraphQLResolveInfo;
type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** Drops absent and null fields, except `modelIds` where null means "every model". */
function patchOf<T extends object>(p: Nullable<T>): T {
  return Object.fromEntries(
    Object.entries(p).filter(([k, v]) => v !== undefined && (v !== null || k === 'modelIds')),
  ) as T;
}

export const AuthQuery = {
  me: (_: unknown, __: unknown, ctx: Context) => ctx.principal,
  users: (_: unknown, __: unknown, ctx: Context) => ctx.services.auth.users(),
  apiKeys: (_: unknown, __: unknown, ctx: Context) => ctx.services.auth.apiKeys(),
  auditEvents: (
    _: unknown,
    a: {
      modelId?: string | null;
      actorId?: string | null;
      action?: string | null;
      first?: number | null;
      after?: string | null;
    },
    ctx: Context,
  ) =>
    ctx.services.audit.events(
      patchOf({ modelId: a.modelId, actorId: a.actorId, action: a.action }),
      a.first ?? 50,
      a.after ?? undefined,
    ),
};

export const AuthMutation = {
  login: (_: unknown, a: { username: string; password: string }, ctx: Context) =>
    ctx.services.auth.login(a.username, a.password, ctx.ip),
  changePassword: (_: unknown, a: { currentPassword: string; newPassword: string }, ctx: Context, info: Info) =>
    ctx.services.auth.changeOwnPassword(actorOf(ctx, info.fieldName), a.currentPassword, a.newPassword),
  logout: (_: unknown, __: unknown, ctx: Context, info: Info) => ctx.services.auth.logout(actorOf(ctx, info.fieldName)),
  logoutEverywhere: (_: unknown, __: unknown, ctx: Context, info: Info) =>
    ctx.services.auth.logoutEverywhere(actorOf(ctx, info.fieldName)),
  createUser: (
    _: unknown,
    a: {
      input: {
        username: string;
        displayName?: string | null;
        password: string;
        role: Role;
        modelIds?: string[] | null;
      };
    },
    ctx: Context,
    info: Info,
  ) => ctx.services.auth.createUser(actorOf(ctx, info.fieldName), patchOf(a.input)),
  updateUser: (
    _: unknown,
    a: {
      id: string;
      patch: Nullable<{
        displayName: string;
        role: Role;
        modelIds: string[] | null;
        disabled: boolean;
        password: string;
      }>;
    },
    ctx: Context,
    info: Info,
  ) => ctx.services.auth.updateUser(actorOf(ctx, info.fieldName), a.id, patchOf(a.patch)),
  createApiKey: (
    _: unknown,
    a: { input: { name: string; role: Role; modelIds?: string[] | null; expiresAt?: string | null } },
    ctx: Context,
    info: Info,
  ) => ctx.services.auth.createApiKey(actorOf(ctx, info.fieldName), patchOf(a.input)),
  revokeApiKey: (_: unknown, a: { id: string }, ctx: Context, info: Info) =>
    ctx.services.auth.revokeApiKey(actorOf(ctx, info.fieldName), a.id),
};
