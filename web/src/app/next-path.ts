/** Where the sign-in page sends the user afterwards (`?next=`), kept to this app's own paths. Pure. */

/**
 * Where to go after signing in: `next` when it is a path of this app (never another site, never
 * the sign-in page itself), else the model list.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login/')) return '/';
  return next;
}

/** The sign-in page's address that returns to `path` afterwards. */
export function loginPath(path: string): string {
  return path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`;
}
