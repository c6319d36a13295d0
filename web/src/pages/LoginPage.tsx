/**
 * Sign-in page: username and password of a local account. The password goes only into the body of
 * the `login` request (never into the address, storage or logs); the session token that comes back
 * is kept for this tab (sessionStorage). Afterwards the user returns to `?next=` (the page they
 * were on when the session ended) or the model list.
 */
import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { GraphQLRequestError } from '../api/errors';
import { useAuth } from '../app/auth';
import { safeNext } from '../app/next-path';
import { ErrorMessage, Loading } from '../components/Feedback';
import { TextField } from '../components/forms/fields';

/** A message for a failed sign-in: wrong credentials, too many attempts, or the server's words. */
function signInError(e: unknown): unknown {
  if (e instanceof GraphQLRequestError && e.code === 'UNAUTHENTICATED') return new Error('Wrong username or password.');
  return e;
}

/** The sign-in page (route /login). */
export function LoginPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const form = useForm({ defaultValues: { username: '', password: '' } });
  const [error, setError] = useState<unknown>(null);

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
  if (auth.signedIn) return <Navigate to={next} replace />;

  return (
    <div className="page center login-page">
      <FormProvider {...form}>
        <form
          className="element-form login-form"
          method="post"
          noValidate
          aria-labelledby="login-title"
          data-testid="login-form"
          onSubmit={form.handleSubmit(async (v) => {
            setError(null);
            try {
              await auth.signIn(v.username.trim(), v.password);
              navigate(next, { replace: true });
            } catch (e) {
              form.resetField('password');
              form.setFocus('password');
              setError(signInError(e));
            }
          })}
        >
          <p className="brand" aria-hidden="true">
            MedThreat
          </p>
          <h1 id="login-title">Sign in</h1>
          {auth.notice && !error && (
            <p className="notice" role="status" data-testid="login-notice">
              {auth.notice}
            </p>
          )}
          {error != null && <ErrorMessage error={error} title="Not signed in" />}
          <TextField name="username" label="Username" required autoComplete="username" />
          <TextField name="password" label="Password" type="password" required autoComplete="current-password" />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
              {form.formState.isSubmitting ? 'Signing in…' : 'Sign in'}
            </button>
          </div>
          <p className="hint">
            Accounts are managed by your MedThreat administrator. Systems use API keys instead of signing in.
          </p>
        </form>
      </FormProvider>
    </div>
  );
}
