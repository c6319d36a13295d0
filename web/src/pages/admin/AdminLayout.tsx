/** Frame of the admin pages (ADMIN role): header with who is signed in, and tabs Users · API keys · Audit trail. */
import { NavLink, Outlet } from 'react-router-dom';
import { PageHeader } from '../../components/PageHeader';

const SECTIONS = [
  ['/admin/users', 'Users'],
  ['/admin/api-keys', 'API keys'],
  ['/admin/audit', 'Audit trail'],
] as const;

/** The admin frame; the section's page renders in the outlet. */
export function AdminLayout() {
  return (
    <div className="page admin-page">
      <PageHeader title="Administration" meta="Accounts, API keys for other systems, and who changed what" />
      <nav className="admin-tabs" aria-label="Administration">
        {SECTIONS.map(([to, label]) => (
          <NavLink key={to} to={to} className={({ isActive }) => (isActive ? 'active' : '')}>
            {label}
          </NavLink>
        ))}
      </nav>
      <main className="page-body wide">
        <Outlet />
      </main>
    </div>
  );
}
