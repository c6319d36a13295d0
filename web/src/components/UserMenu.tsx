/**
 * Who is signed in, shown in every page header: name and role, with a menu for the admin pages
 * (admins only), the account page (change password) and sign-out. Also the development-mode banner.
 */
import { useEffect, useRef } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import type { Role } from '../api/__generated__/graphql';
import { ROLE_HINT, ROLE_LABEL } from '../api/permissions';
import { useAuth } from '../app/auth';

/** A role as a small badge, with what it may do as its tooltip. */
export function RoleChip({ role }: { role: Role }) {
  return (
    <span className={`chip role-chip role-${role.toLowerCase()}`} title={`${ROLE_LABEL[role]}: ${ROLE_HINT[role]}`}>
      {ROLE_LABEL[role]}
    </span>
  );
}

/** The signed-in principal and their menu, for the right end of a page header. */
export function UserMenu() {
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const details = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (details.current) details.current.open = false;
  }, [location.pathname]);
  useEffect(() => {
    const close = (e: MouseEvent | KeyboardEvent) => {
      const d = details.current;
      if (!d?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !d.contains(e.target as Node)) {
        d.open = false;
        if (e instanceof KeyboardEvent) d.querySelector('summary')?.focus();
      }
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);

  const p = auth.principal;
  if (!p || p.role === null) return null;
  const admin = auth.can('manageUsers');
  return (
    <details className="user-menu" ref={details}>
      <summary data-testid="user-menu" aria-label={`Signed in as ${p.name}, ${ROLE_LABEL[p.role]}. Account menu`}>
        <span className="user-name" data-testid="signed-in-as">
          {auth.devMode ? 'Development mode' : p.name}
        </span>{' '}
        <RoleChip role={p.role} />
      </summary>
      <div className="menu-popover">
        <p className="menu-who">
          {auth.devMode ? (
            'Authentication is off: every caller is an admin.'
          ) : (
            <>
              Signed in as <b>{p.name}</b> ({ROLE_LABEL[p.role]}
              {p.modelIds ? `, ${p.modelIds.length} model${p.modelIds.length === 1 ? '' : 's'}` : ''})
            </>
          )}
        </p>
        <ul>
          {admin && (
            <>
              <li>
                <Link to="/admin/users">Users</Link>
              </li>
              <li>
                <Link to="/admin/api-keys">API keys</Link>
              </li>
              <li>
                <Link to="/admin/audit">Audit trail</Link>
              </li>
            </>
          )}
          {!auth.devMode && (
            <li>
              <Link to="/account">Account{auth.can('changeOwnPassword') ? ' and password' : ''}</Link>
            </li>
          )}
          {!auth.devMode && (
            <li>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  void auth.signOut().then(() => navigate('/login', { replace: true }));
                }}
              >
                Sign out
              </button>
            </li>
          )}
        </ul>
      </div>
    </details>
  );
}

/** The conspicuous banner of the development mode (the server runs with authentication off). */
export function DevModeBanner() {
  const auth = useAuth();
  if (!auth.devMode) return null;
  return (
    <div className="dev-banner" role="note" aria-label="Development mode" data-testid="dev-banner">
      Development mode: authentication is off. Every visitor is an admin; never run it like this outside a local demo.
    </div>
  );
}
