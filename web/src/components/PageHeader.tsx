/** The header of the app's list and admin pages: brand, title, page actions and who is signed in. */
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { UserMenu } from './UserMenu';

/** Brand (link to the model list), `title` with an optional `meta` line, `children` as actions, then the user menu. */
export function PageHeader({ title, meta, children }: { title: ReactNode; meta?: ReactNode; children?: ReactNode }) {
  return (
    <header className="app-header">
      <Link to="/" className="brand">
        MedThreat
      </Link>
      <div className="model-title">
        <h1>{title}</h1>
        {meta && <span className="meta">{meta}</span>}
      </div>
      <nav className="header-actions" aria-label="Page actions">
        {children}
        <UserMenu />
      </nav>
    </header>
  );
}
