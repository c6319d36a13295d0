/**
 * Who is signed in, for the whole app: `me` from the server, sign-in and sign-out, and the route
 * guards. The session token lives in sessionStorage (api/session.ts); when the server stops
 * accepting it (expired, revoked, account disabled or changed) the app returns to the sign-in page
 * and, after signing in again, to the page the user was on. In the development mode
 * (`me.kind === 'DEV'`, MEDTHREAT_DEV_NO_AUTH on the server) there is nothing to sign in to.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import { LoginDocument, LogoutDocument, LogoutEverywhereDocument, MeDocument } from '../api/__generated__/graphql';
import { mutate, request } from '../api/client';
import { GraphQLRequestError } from '../api/errors';
import { keys } from '../api/hooks';
import { ACTION_POLICY, can, ROLE_LABEL, type Action, type Principal } from '../api/permissions';
import { clearSession, onSessionLost, readSession, reportSessionLost, writeSession } from '../api/session';
import { ErrorMessage, Loading } from '../components/Feedback';
import { loginPath } from './next-path';

/** The principal of a caller without credentials (what `me` answers then). */
export const ANONYMOUS: Principal = Object.freeze({
  kind: 'ANONYMOUS',
  id: 'anonymous',
  name: 'anonymous',
  role: null,
  modelIds: null,
}) as Principal;

export interface Auth {
  /** The caller; undefined until `me` has answered. */
  principal: Principal | undefined;
  /** `me` could not be asked (server unreachable...). */
  error: unknown;
  retry: () => void;
  /** Signed in (or the development mode). */
  signedIn: boolean;
  /** The development mode: authentication is off on the server. */
  devMode: boolean;
  /** Why the user is on the sign-in page, when it was not their choice (session ended). */
  notice: string | null;
  /** Signs in; rejects with the server's error (wrong username or password, rate limited). */
  signIn: (username: string, password: string) => Promise<Principal>;
  /**
   * Signs out: asks the server to revoke this tab's session token (`everywhere`: every session of
   * the account), then forgets it. Never rejects: if the server cannot be told, the token is
   * forgotten anyway and the notice says it stays valid until it expires.
   */
  signOut: (options?: { everywhere?: boolean }) => Promise<void>;
  /** May the signed-in principal do `action` (on `modelId`)? See api/permissions.ts. */
  can: (action: Action, modelId?: string) => boolean;
}

const AuthContext = createContext<Auth | null>(null);

/** `me`, dropping a token the server no longer accepts (the client then reports the session lost). */
async function fetchMe(): Promise<Principal> {
  try {
    return (await request(MeDocument, {})).me;
  } catch (e) {
    if (e instanceof GraphQLRequestError && e.status === 401)
      return (await request(MeDocument, {}, { anonymous: true })).me;
    throw e;
  }
}

/** Provides {@link Auth} to the app; must sit inside the router and the QueryClientProvider. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const me = useQuery({ queryKey: keys.me, queryFn: fetchMe, staleTime: Infinity, retry: 1 });
  const principal = me.data;

  /** Forgets everything cached under the previous identity and sets the new one. */
  const become = useCallback(
    (p: Principal) => {
      void qc.cancelQueries();
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      qc.setQueryData(keys.me, p);
    },
    [qc],
  );

  useEffect(
    () =>
      onSessionLost(() => {
        setNotice('Your session has ended (it expired or was revoked). Sign in again to continue.');
        become(ANONYMOUS);
      }),
    [become],
  );

  // End the session in this tab when the token expires, without waiting for the next request.
  useEffect(() => {
    if (principal?.kind !== 'USER') return;
    const session = readSession();
    if (!session) return;
    const timer = setTimeout(
      () => reportSessionLost(session.token),
      Math.max(0, Date.parse(session.expiresAt) - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [principal]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const r = await mutate(LoginDocument, { username, password }, { anonymous: true });
      writeSession({ token: r.login.token, expiresAt: r.login.expiresAt });
      setNotice(null);
      become(r.login.principal);
      return r.login.principal;
    },
    [become],
  );

  const signOut = useCallback(
    async ({ everywhere = false }: { everywhere?: boolean } = {}) => {
      let told = true;
      if (readSession()) {
        try {
          const signal = AbortSignal.timeout(5000);
          if (everywhere) await request(LogoutEverywhereDocument, {}, { signal });
          else await request(LogoutDocument, {}, { signal });
        } catch (e) {
          // 401: the server had already ended the session, which is what we wanted
          told = e instanceof GraphQLRequestError && e.status === 401;
        }
      }
      clearSession();
      setNotice(
        told
          ? everywhere
            ? 'You have signed out on every device.'
            : 'You have signed out.'
          : 'You have signed out in this tab, but the server did not confirm it: the session may stay valid until it expires.',
      );
      become(ANONYMOUS);
    },
    [become],
  );

  const value = useMemo<Auth>(() => {
    const devMode = principal?.kind === 'DEV';
    return {
      principal,
      error: me.error,
      retry: () => void me.refetch(),
      signedIn: Boolean(principal && principal.role !== null),
      devMode,
      notice,
      signIn,
      signOut,
      can: (action, modelId) => can(principal, action, modelId),
    };
  }, [principal, me.error, me.refetch, notice, signIn, signOut]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The app's {@link Auth}; throws outside {@link AuthProvider}. */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth must be used inside <AuthProvider>');
  return auth;
}

/** `can(action, modelId)` for the signed-in principal. */
export function useCan(): Auth['can'] {
  return useAuth().can;
}

/** Route guard: the child routes need a signed-in principal; otherwise the sign-in page, keeping the route. */
export function RequireAuth() {
  const auth = useAuth();
  const location = useLocation();
  if (auth.principal === undefined) {
    return (
      <div className="page center">
        {auth.error ? (
          <ErrorMessage error={auth.error} title="MedThreat is unavailable" onRetry={auth.retry} />
        ) : (
          <Loading label="Checking your session…" />
        )}
      </div>
    );
  }
  if (!auth.signedIn) return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  return <Outlet />;
}

/** Route guard: the child routes need `action` (e.g. the admin pages need manageUsers). */
export function RequireAction({ action, what }: { action: Action; what: string }) {
  const auth = useAuth();
  if (auth.can(action)) return <Outlet />;
  const p = auth.principal;
  const needs =
    action === 'changeOwnPassword' ? 'a local account' : `the ${ROLE_LABEL[ACTION_POLICY[action].role]} role`;
  return (
    <div className="page center" data-testid="not-allowed">
      <h1>Not available to your role</h1>
      <p>
        {what} needs {needs}. You are signed in as <b>{p?.name}</b>
        {p?.role ? ` (${ROLE_LABEL[p.role]})` : ''}.
      </p>
      <Link to="/">All models</Link>
    </div>
  );
}
