/**
 * The signed-in account (route /account): who, which role and which models; for local accounts
 * the form to change one's own password and "sign out everywhere". The server ends every session
 * of the account when the password changes, so this tab signs in again with the new password
 * straight away.
 */
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { FormProvider, useForm } from 'react-hook-form';
import { ChangePasswordDocument } from '../api/__generated__/graphql';
import { request } from '../api/client';
import { fieldErrors, GraphQLRequestError } from '../api/errors';
import { useModels } from '../api/hooks';
import { ROLE_HINT, ROLE_LABEL } from '../api/permissions';
import { useAuth } from '../app/auth';
import { ErrorMessage } from '../components/Feedback';
import { PageHeader } from '../components/PageHeader';
import { TextField } from '../components/forms/fields';

const MIN_PASSWORD = 12;

/** Change-own-password form: current password, new password twice. */
function ChangePasswordForm({ username }: { username: string }) {
  const auth = useAuth();
  const form = useForm({ defaultValues: { currentPassword: '', newPassword: '', confirm: '' } });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  return (
    <FormProvider {...form}>
      <form
        className="element-form inline"
        noValidate
        aria-labelledby="change-password-title"
        data-testid="change-password-form"
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          setDone(false);
          try {
            await request(ChangePasswordDocument, { currentPassword: v.currentPassword, newPassword: v.newPassword });
          } catch (e) {
            if (e instanceof GraphQLRequestError && e.code === 'UNAUTHENTICATED')
              form.setError('currentPassword', { message: 'The current password is wrong' });
            else {
              const f = fieldErrors(e);
              const m = f.newPassword ?? f.password;
              if (m) form.setError('newPassword', { message: m });
              setError(e);
            }
            return;
          }
          // The change revoked this session too: sign in again with the new password.
          try {
            await auth.signIn(username, v.newPassword);
            form.reset();
            setDone(true);
          } catch (e) {
            setError(e);
          }
        })}
      >
        <h2 id="change-password-title">Change password</h2>
        {error != null && <ErrorMessage error={error} title="Password not changed" />}
        <TextField
          name="currentPassword"
          label="Current password"
          type="password"
          required
          autoComplete="current-password"
        />
        <TextField
          name="newPassword"
          label="New password"
          type="password"
          required
          autoComplete="new-password"
          hint={`At least ${MIN_PASSWORD} characters; a passphrase is best.`}
          rules={{ minLength: { value: MIN_PASSWORD, message: `At least ${MIN_PASSWORD} characters` } }}
        />
        <TextField
          name="confirm"
          label="New password again"
          type="password"
          required
          autoComplete="new-password"
          rules={{ validate: (v: string) => v === form.getValues('newPassword') || 'The two new passwords differ' }}
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Changing…' : 'Change password'}
          </button>
        </div>
        {done && (
          <p className="success" role="status">
            Password changed. Your other sessions have ended.
          </p>
        )}
      </form>
    </FormProvider>
  );
}

/** Ends every session of the account (other browsers and devices included), then this tab's. */
function SignOutEverywhere() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  return (
    <section className="element-form inline" aria-labelledby="sessions-title" data-testid="sessions">
      <h2 id="sessions-title">Sessions</h2>
      <p className="hint">
        Signed in somewhere you no longer use, or lost a device? End every session of this account at once.
      </p>
      <div className="form-actions">
        <button
          type="button"
          disabled={busy}
          data-testid="sign-out-everywhere"
          onClick={() => {
            setBusy(true);
            void auth.signOut({ everywhere: true }).then(() => navigate('/login', { replace: true }));
          }}
        >
          {busy ? 'Signing out…' : 'Sign out everywhere'}
        </button>
      </div>
    </section>
  );
}

/** The account page. */
export function AccountPage() {
  const auth = useAuth();
  const models = useModels();
  const p = auth.principal;
  if (!p || p.role === null) return null;
  const names = new Map((models.data ?? []).map((m) => [m.id, m.name]));
  return (
    <div className="page">
      <PageHeader title="Your account" />
      <main className="page-body">
        <dl className="facts account-facts">
          <div>
            <dt>Name</dt>
            <dd>{p.name}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>
              {ROLE_LABEL[p.role]}: {ROLE_HINT[p.role]}
            </dd>
          </div>
          <div>
            <dt>Models</dt>
            <dd>{p.modelIds ? p.modelIds.map((id) => names.get(id) ?? id).join(', ') || 'none' : 'every model'}</dd>
          </div>
        </dl>
        {auth.can('changeOwnPassword') ? (
          <>
            <ChangePasswordForm username={p.name} />
            <SignOutEverywhere />
          </>
        ) : (
          <p className="hint">This account is managed outside MedThreat (identity provider or API key).</p>
        )}
      </main>
    </div>
  );
}
