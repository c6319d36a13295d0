import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Last line of defence: a render error shows a message and a reload button instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('MedThreat UI error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page center" role="alert">
        <h1>Something went wrong in the page</h1>
        <p>{this.state.error.message}</p>
        <p className="hint">Your model is safe on the server. Reload to continue.</p>
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
