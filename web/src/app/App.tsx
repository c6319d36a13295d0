import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ErrorBoundary } from './ErrorBoundary';
import { ModelListPage } from '../pages/ModelListPage';
import { ReportPage } from '../pages/ReportPage';
import { ThreatModelPage } from '../pages/ThreatModelPage';

/** Routes: / (models), /models/:modelId (workspace: map, paths, recommendations, gaps, editing), /models/:modelId/report. */
export function App() {
  return (
    <ErrorBoundary>
      <BrowserRouter>
        <Routes>
          <Route path="/" element={<ModelListPage />} />
          <Route path="/models/:modelId" element={<ThreatModelPage />} />
          <Route path="/models/:modelId/report" element={<ReportPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </BrowserRouter>
    </ErrorBoundary>
  );
}
