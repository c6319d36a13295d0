import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ErrorBoundary } from './ErrorBoundary';
import { AuthProvider, RequireAuth, useAuth } from './auth';
import { DevModeBanner } from '../components/UserMenu';
import { AccountPage } from '../pages/AccountPage';
import { LoginPage } from '../pages/LoginPage';
import { ModelListPage } from '../pages/ModelListPage';
import { ReportPage } from '../pages/ReportPage';
import { ThreatModelPage } from '../pages/ThreatModelPage';

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
          <Route path="/account" element={<AccountPage />} />
        </Route>
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </div>
  );
}

/**
 * Routes: /login (sign-in); signed in: / (models), /models/:modelId (workspace: map, paths,
 * recommendations, gaps, editing), /models/:modelId/report, /account (password).
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
