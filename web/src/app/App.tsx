import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ErrorBoundary } from './ErrorBoundary';
import { AuthProvider, RequireAction, RequireAuth, useAuth } from './auth';
import { DevModeBanner } from '../components/UserMenu';
import { AccountPage } from '../pages/AccountPage';
import { LoginPage } from '../pages/LoginPage';
import { ModelListPage } from '../pages/ModelListPage';
import { ReportPage } from '../pages/ReportPage';
import { AdvisoryWatchPage } from '../pages/AdvisoryWatchPage';
import { ImportEvidencePage } from '../pages/ImportEvidencePage';
import { ThreatModelPage } from '../pages/ThreatModelPage';
import { AdminLayout } from '../pages/admin/AdminLayout';
import { ApiKeysPage } from '../pages/admin/ApiKeysPage';
import { AuditPage } from '../pages/admin/AuditPage';
import { UsersPage } from '../pages/admin/UsersPage';

/** The routes, below the development-mode banner when the server runs without authentication. */
function Shell() {
  const { devMode } = useAuth();
  return (
    <div className={devMode ? 'app-shell dev-mode' : 'app-shell'}>
      <DevModeBanner />
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route element={<RequireAuth />}>
          <Route path="/" element={<ModelListPage />} />
          <Route path="/models/:modelId" element={<ThreatModelPage />} />
          <Route path="/models/:modelId/report" element={<ReportPage />} />
          <Route path="/models/:modelId/advisories" element={<AdvisoryWatchPage />} />
          <Route path="/models/:modelId/imports" element={<ImportEvidencePage />} />
          <Route path="/account" element={<AccountPage />} />
          <Route element={<RequireAction action="manageUsers" what="Administration" />}>
            <Route path="/admin" element={<AdminLayout />}>
              <Route index element={<Navigate to="/admin/users" replace />} />
              <Route path="users" element={<UsersPage />} />
              <Route path="api-keys" element={<ApiKeysPage />} />
              <Route path="audit" element={<AuditPage />} />
            </Route>
          </Route>
        </Route>
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </div>
  );
}

/**
 * Routes: /login (sign-in); signed in: / (models), /models/:modelId (workspace: map, paths,
 * recommendations, gaps, editing), /models/:modelId/report, /models/:modelId/advisories
 * (advisory watch), /models/:modelId/imports (evidence import), /account (password); admins:
 * /admin/users, /admin/api-keys, /admin/audit.
 */
export function App() {
  return (
    <ErrorBoundary>
      <BrowserRouter>
        <AuthProvider>
          <Shell />
        </AuthProvider>
      </BrowserRouter>
    </ErrorBoundary>
  );
}
