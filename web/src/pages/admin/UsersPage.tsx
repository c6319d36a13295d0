/**
 * Local accounts (route /admin/users, ADMIN): list; create with role and optional model scope;
 * change role, scope and display name; disable and enable; reset a password. Disabling, a new
 * password or a new role ends the account's sessions at once (server side).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import {
  CreateUserDocument,
  UpdateUserDocument,
  type Role,
  type UserFieldsFragment,
  type UserPatch,
} from '../../api/__generated__/graphql';
import { request } from '../../api/client';
import { fieldErrors } from '../../api/errors';
import { keys, useModelRefs, useUsers } from '../../api/hooks';
import { useAuth } from '../../app/auth';
import { formatWhen } from '../../app/format';
import { Empty, ErrorMessage, Loading } from '../../components/Feedback';
import { RoleChip } from '../../components/UserMenu';
import {
  ModelScopeField,
  RoleField,
  describeScope,
  scopeToModelIds,
  scopeValues,
  type ScopeValues,
} from '../../components/forms/access-fields';
import { TextField } from '../../components/forms/fields';

type User = UserFieldsFragment;
type ModelRef = { id: string; name: string };

const MIN_PASSWORD = 12;
const passwordRules = { minLength: { value: MIN_PASSWORD, message: `At least ${MIN_PASSWORD} characters` } };

/** Puts the server's field errors on the form's fields (paths like input.username, patch.password). */
function applyFieldErrors(e: unknown, setError: (name: never, error: { message: string }) => void, names: string[]) {
  for (const [k, m] of Object.entries(fieldErrors(e))) if (names.includes(k)) setError(k as never, { message: m });
}

function NewUserForm({ models, onDone }: { models: readonly ModelRef[]; onDone: () => void }) {
  const qc = useQueryClient();
  const form = useForm<{ username: string; displayName: string; password: string; role: Role } & ScopeValues>({
    defaultValues: { username: '', displayName: '', password: '', role: 'VIEWER', allModels: true, modelIds: [] },
  });
  const [error, setError] = useState<unknown>(null);
  return (
    <FormProvider {...form}>
      <form
        className="element-form inline"
        noValidate
        aria-labelledby="new-user-title"
        data-testid="new-user-form"
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          try {
            await request(CreateUserDocument, {
              input: {
                username: v.username.trim(),
                displayName: v.displayName.trim() || null,
                password: v.password,
                role: v.role,
                modelIds: scopeToModelIds(v.role, v),
              },
            });
            await qc.invalidateQueries({ queryKey: keys.users });
            form.reset();
            onDone();
          } catch (e) {
            applyFieldErrors(e, form.setError as never, ['username', 'displayName', 'password', 'modelIds']);
            setError(e);
          }
        })}
      >
        <h2 id="new-user-title">New user</h2>
        {error != null && <ErrorMessage error={error} title="User not created" />}
        <div className="field-row">
          <TextField
            name="username"
            label="Username"
            required
            autoComplete="off"
            hint="Letters, digits and . _ @ -"
            rules={{ pattern: { value: /^[A-Za-z0-9._@-]{1,64}$/, message: 'Letters, digits and . _ @ - only' } }}
          />
          <TextField name="displayName" label="Display name" autoComplete="off" />
        </div>
        <TextField
          name="password"
          label="Initial password"
          type="password"
          required
          autoComplete="new-password"
          hint={`At least ${MIN_PASSWORD} characters; give it to the person over a separate channel.`}
          rules={passwordRules}
        />
        <RoleField />
        <ModelScopeField models={models} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Creating…' : 'Create user'}
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </FormProvider>
  );
}

/** Role, scope and display name of one account. */
function EditUserForm({ user, models, onDone }: { user: User; models: readonly ModelRef[]; onDone: () => void }) {
  const qc = useQueryClient();
  const form = useForm<{ displayName: string; role: Role } & ScopeValues>({
    defaultValues: { displayName: user.displayName, role: user.role, ...scopeValues(user.modelIds) },
  });
  const [error, setError] = useState<unknown>(null);
  return (
    <FormProvider {...form}>
      <form
        className="element-form row-form"
        noValidate
        aria-label={`Change ${user.username}`}
        data-testid="edit-user-form"
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          try {
            await request(UpdateUserDocument, {
              id: user.id,
              patch: {
                displayName: v.displayName.trim() || user.username,
                role: v.role,
                modelIds: scopeToModelIds(v.role, v),
              },
            });
            await qc.invalidateQueries({ queryKey: keys.users });
            onDone();
          } catch (e) {
            applyFieldErrors(e, form.setError as never, ['displayName', 'role', 'modelIds']);
            setError(e);
          }
        })}
      >
        {error != null && <ErrorMessage error={error} title="Not changed" />}
        <TextField name="displayName" label="Display name" />
        <RoleField />
        <ModelScopeField models={models} />
        {user.role !== form.watch('role') && (
          <p className="hint">A new role ends the account&apos;s sessions: they sign in again.</p>
        )}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            Save
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </FormProvider>
  );
}

/** A new password for someone else's account (ends their sessions). */
function ResetPasswordForm({ user, onDone }: { user: User; onDone: (message: string) => void }) {
  const form = useForm({ defaultValues: { password: '' } });
  const [error, setError] = useState<unknown>(null);
  return (
    <FormProvider {...form}>
      <form
        className="element-form row-form"
        noValidate
        aria-label={`Reset the password of ${user.username}`}
        data-testid="reset-password-form"
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          try {
            await request(UpdateUserDocument, { id: user.id, patch: { password: v.password } });
            onDone(`New password set for ${user.username}; their sessions have ended.`);
          } catch (e) {
            applyFieldErrors(e, form.setError as never, ['password']);
            setError(e);
          }
        })}
      >
        {error != null && <ErrorMessage error={error} title="Password not reset" />}
        <TextField
          name="password"
          label={`New password for ${user.username}`}
          type="password"
          required
          autoComplete="new-password"
          rules={passwordRules}
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            Set password
          </button>
          <button type="button" onClick={() => onDone('')}>
            Cancel
          </button>
        </div>
      </form>
    </FormProvider>
  );
}

type RowMode = { id: string; mode: 'edit' | 'password' } | null;

/** The Users page. */
export function UsersPage() {
  const users = useUsers();
  const qc = useQueryClient();
  const auth = useAuth();
  const [creating, setCreating] = useState(false);
  const [row, setRow] = useState<RowMode>(null);
  const [message, setMessage] = useState('');
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { refs: modelRefs, names } = useModelRefs();

  const update = async (user: User, patch: UserPatch, done: string) => {
    setBusy(user.id);
    setRowError(null);
    setMessage('');
    try {
      await request(UpdateUserDocument, { id: user.id, patch });
      await qc.invalidateQueries({ queryKey: keys.users });
      setMessage(done);
    } catch (e) {
      setRowError({ id: user.id, error: e });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="users-title">
      <div className="section-head">
        <h2 id="users-title">Users</h2>
        {!creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="new-user">
            New user…
          </button>
        )}
      </div>
      {creating && <NewUserForm models={modelRefs} onDone={() => setCreating(false)} />}
      {message && (
        <p className="success" role="status">
          {message}
        </p>
      )}
      {users.isPending && <Loading label="Loading users…" />}
      {users.error && (
        <ErrorMessage error={users.error} title="Users unavailable" onRetry={() => void users.refetch()} />
      )}
      {users.data && users.data.length === 0 && <Empty>No local accounts.</Empty>}
      {users.data && users.data.length > 0 && (
        <table className="data-table admin-table" data-testid="user-list">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Models</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => {
              const self = auth.principal?.kind === 'USER' && auth.principal.id === u.id;
              const open = row?.id === u.id ? row.mode : null;
              return (
                <UserRow
                  key={u.id}
                  user={u}
                  self={self}
                  scope={describeScope(u.modelIds, names)}
                  busy={busy === u.id}
                  open={open}
                  error={rowError?.id === u.id ? rowError.error : null}
                  onOpen={(mode) => {
                    setMessage('');
                    setRowError(null);
                    setRow(mode ? { id: u.id, mode } : null);
                  }}
                  onToggleDisabled={() =>
                    update(
                      u,
                      { disabled: !u.disabled },
                      u.disabled
                        ? `${u.username} can sign in again.`
                        : `${u.username} is disabled; their sessions have ended.`,
                    )
                  }
                  editor={
                    open === 'edit' ? (
                      <EditUserForm user={u} models={modelRefs} onDone={() => setRow(null)} />
                    ) : open === 'password' ? (
                      <ResetPasswordForm
                        user={u}
                        onDone={(m) => {
                          setRow(null);
                          setMessage(m);
                        }}
                      />
                    ) : null
                  }
                />
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function UserRow({
  user: u,
  self,
  scope,
  busy,
  open,
  error,
  onOpen,
  onToggleDisabled,
  editor,
}: {
  user: User;
  self: boolean;
  scope: string;
  busy: boolean;
  open: 'edit' | 'password' | null;
  error: unknown;
  onOpen: (mode: 'edit' | 'password' | null) => void;
  onToggleDisabled: () => void;
  editor: React.ReactNode;
}) {
  return (
    <>
      <tr data-user={u.username} className={u.disabled ? 'disabled-row' : ''}>
        <td>
          <b>{u.username}</b>
          {self && <span className="sub"> (you)</span>}
          {u.displayName !== u.username && <div className="sub">{u.displayName}</div>}
        </td>
        <td>
          <RoleChip role={u.role} />
        </td>
        <td className="scope">{u.role === 'ADMIN' ? 'Every model' : scope}</td>
        <td>{u.disabled ? <span className="status-off">Disabled</span> : 'Enabled'}</td>
        <td title={u.lastLoginAt ?? undefined}>{formatWhen(u.lastLoginAt)}</td>
        <td className="row-actions">
          <button
            type="button"
            className="small"
            aria-expanded={open === 'edit'}
            onClick={() => onOpen(open === 'edit' ? null : 'edit')}
          >
            Change…
          </button>
          <button
            type="button"
            className="small"
            aria-expanded={open === 'password'}
            onClick={() => onOpen(open === 'password' ? null : 'password')}
          >
            Reset password…
          </button>
          {!self && (
            <button type="button" className="small" disabled={busy} onClick={onToggleDisabled}>
              {u.disabled ? 'Enable' : 'Disable'}
            </button>
          )}
        </td>
      </tr>
      {(editor || error != null) && (
        <tr className="detail-row">
          <td colSpan={6}>
            {error != null && <ErrorMessage error={error} title={`${u.username} not changed`} />}
            {editor}
          </td>
        </tr>
      )}
    </>
  );
}
