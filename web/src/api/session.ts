/**
 * The signed-in session of this browser tab: the bearer token from `login` and its expiry, kept in
 * sessionStorage (gone when the tab closes, never shared with other tabs, never in localStorage,
 * never in a URL). The client sends it as `Authorization: Bearer <token>` and reports here when
 * the server no longer accepts it, so the app can return to the sign-in page.
 */

/** sessionStorage key of the current session. */
export const SESSION_STORAGE_KEY = 'medthreat:session';

/** What is stored: the token and when it expires (ISO-8601). */
export interface StoredSession {
  token: string;
  expiresAt: string;
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage disabled by the browser
  }
}

/** The stored session, or null when there is none, it cannot be read, or it has expired. */
export function readSession(now: number = Date.now()): StoredSession | null {
  const raw = storage()?.getItem(SESSION_STORAGE_KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof s.token !== 'string' || !s.token || typeof s.expiresAt !== 'string') return null;
    if (!(Date.parse(s.expiresAt) > now)) return null;
    return { token: s.token, expiresAt: s.expiresAt };
  } catch {
    return null;
  }
}

/** Stores the session returned by `login`. */
export function writeSession(session: StoredSession): void {
  storage()?.setItem(SESSION_STORAGE_KEY, JSON.stringify({ token: session.token, expiresAt: session.expiresAt }));
}

/** Forgets the session (sign-out, or the server refused it). */
export function clearSession(): void {
  storage()?.removeItem(SESSION_STORAGE_KEY);
}

/** The bearer token to send, or null. */
export function sessionToken(): string | null {
  return readSession()?.token ?? null;
}

type Listener = () => void;
const lostListeners = new Set<Listener>();

/**
 * Subscribes to "the server refused our session" (expired, revoked, account disabled); returns
 * the unsubscribe function. The session is already cleared when listeners run.
 */
export function onSessionLost(listener: Listener): () => void {
  lostListeners.add(listener);
  return () => {
    lostListeners.delete(listener);
  };
}

/**
 * Called by the client when a request that carried `token` was answered HTTP 401. Ignored when the
 * tab has signed in again since (a late answer to a request made with an older token).
 */
export function reportSessionLost(token: string): void {
  const raw = storage()?.getItem(SESSION_STORAGE_KEY);
  if (raw && !raw.includes(JSON.stringify(token))) return;
  clearSession();
  for (const l of [...lostListeners]) l();
}
