/**
 * API keys for other hospital systems (route /admin/api-keys, ADMIN): list with prefix, role,
 * scope, last use and revocation; create one and see its secret ONCE (copy it now: the server
 * keeps only a hash); revoke one after confirming. The secret lives only in this page's state
 * until dismissed: never in the query cache, storage or the address.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import {
  CreateApiKeyDocument,
  RevokeApiKeyDocument,
  type ApiKeyFieldsFragment,
  type Role,
} from '../../api/__generated__/graphql';
import { mutate, request } from '../../api/client';
import { fieldErrors } from '../../api/errors';
import { keys, useApiKeys, useModelRefs } from '../../api/hooks';
import { formatWhen } from '../../app/format';
import { Empty, ErrorMessage, Loading } from '../../components/Feedback';
import { RoleChip } from '../../components/UserMenu';
import {
  ModelScopeField,
  RoleField,
  describeScope,
  scopeToModelIds,
  type ScopeValues,
} from '../../components/forms/access-fields';
import { TextField } from '../../components/forms/fields';

type ApiKey = ApiKeyFieldsFragment;

/** The new key's secret, shown once, with a copy button and a warning. */
function CreatedSecret({ apiKey, secret, onDismiss }: { apiKey: ApiKey; secret: string; onDismiss: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setCopied(document.execCommand('copy') ? 'Copied to the clipboard.' : 'Select the key and copy it by hand.');
    }
  };
  return (
    <div className="warning-box secret-box" role="region" aria-labelledby="secret-title" data-testid="api-key-created">
      <h3 id="secret-title">API key “{apiKey.name}” created</h3>
      <p>
        <strong>Copy this key now: it will not be shown again.</strong> MedThreat keeps only a hash of it. Store it in
        the calling system&apos;s secret store; anyone holding it acts as a {apiKey.role.toLowerCase()}.
      </p>
      <div className="field">
        <label htmlFor="api-key-secret">API key (send as Authorization: Bearer …)</label>
        <div className="secret-row">
          <input
            id="api-key-secret"
            ref={input}
            type="text"
            readOnly
            value={secret}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.currentTarget.select()}
            data-testid="api-key-secret"
          />
          <button type="button" onClick={() => void copy()} data-testid="copy-api-key">
            Copy
          </button>
        </div>
        {copied && (
          <small className="hint" role="status">
            {copied}
          </small>
        )}
      </div>
      <div className="form-actions">
        <button type="button" className="primary" onClick={onDismiss}>
          I have stored the key
        </button>
      </div>
    </div>
  );
}

function NewApiKeyForm({
  models,
  onCreated,
  onCancel,
}: {
  models: readonly { id: string; name: string }[];
  onCreated: (created: { apiKey: ApiKey; secret: string }) => void;
  onCancel: () => void;
}) {
  const qc = useQueryClient();
  const form = useForm<{ name: string; role: Role; expiresAt: string } & ScopeValues>({
    defaultValues: { name: '', role: 'VIEWER', expiresAt: '', allModels: true, modelIds: [] },
  });
  const [error, setError] = useState<unknown>(null);
  return (
    <FormProvider {...form}>
      <form
        className="element-form inline"
        noValidate
        aria-labelledby="new-key-title"
        data-testid="new-api-key-form"
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          try {
            const r = await mutate(CreateApiKeyDocument, {
              input: {
                name: v.name.trim(),
                role: v.role,
                modelIds: scopeToModelIds(v.role, v),
                expiresAt: v.expiresAt ? new Date(v.expiresAt).toISOString() : null,
              },
            });
            await qc.invalidateQueries({ queryKey: keys.apiKeys });
            form.reset();
            onCreated(r.createApiKey);
          } catch (e) {
            for (const [k, m] of Object.entries(fieldErrors(e)))
              if (k === 'name' || k === 'expiresAt') form.setError(k, { message: m });
            setError(e);
          }
        })}
      >
        <h2 id="new-key-title">New API key</h2>
        {error != null && <ErrorMessage error={error} title="API key not created" />}
        <TextField
          name="name"
          label="What it is for"
          required
          placeholder="e.g. CMDB nightly sync"
          autoComplete="off"
        />
        <RoleField />
        <ModelScopeField models={models} />
        <TextField
          name="expiresAt"
          label="Expires"
          type="datetime-local"
          hint="Leave empty for a key that does not expire."
          rules={{
            validate: (v: string) => !v || Date.parse(v) > Date.now() || 'Choose a moment in the future',
          }}
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Creating…' : 'Create API key'}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </FormProvider>
  );
}

/** The API keys page. */
export function ApiKeysPage() {
  const apiKeys = useApiKeys();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ apiKey: ApiKey; secret: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [revoking, setRevoking] = useState(false);
  const [error, setError] = useState<{ id: string; error: unknown } | null>(null);
  const { refs: modelRefs, names } = useModelRefs();

  const revoke = async (k: ApiKey) => {
    setRevoking(true);
    setError(null);
    try {
      await request(RevokeApiKeyDocument, { id: k.id });
      await qc.invalidateQueries({ queryKey: keys.apiKeys });
      setConfirming(null);
    } catch (e) {
      setError({ id: k.id, error: e });
    } finally {
      setRevoking(false);
    }
  };

  return (
    <section aria-labelledby="keys-title">
      <div className="section-head">
        <h2 id="keys-title">API keys</h2>
        {!creating && !created && (
          <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="new-api-key">
            New API key…
          </button>
        )}
      </div>
      <p className="hint">
        Other hospital systems (CMDB, SIEM, ticketing) call the GraphQL API with a key instead of signing in. A key has
        a role and may be limited to some models; revoking it refuses it at once.
      </p>
      {creating && (
        <NewApiKeyForm
          models={modelRefs}
          onCancel={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
          }}
        />
      )}
      {created && <CreatedSecret apiKey={created.apiKey} secret={created.secret} onDismiss={() => setCreated(null)} />}
      {apiKeys.isPending && <Loading label="Loading API keys…" />}
      {apiKeys.error && (
        <ErrorMessage error={apiKeys.error} title="API keys unavailable" onRetry={() => void apiKeys.refetch()} />
      )}
      {apiKeys.data && apiKeys.data.length === 0 && <Empty>No API keys yet.</Empty>}
      {apiKeys.data && apiKeys.data.length > 0 && (
        <table className="data-table admin-table" data-testid="api-key-list">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Prefix</th>
              <th scope="col">Role</th>
              <th scope="col">Models</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {apiKeys.data.map((k) => (
              <tr key={k.id} data-api-key={k.name} className={k.revokedAt ? 'disabled-row' : ''}>
                <td>
                  <b>{k.name}</b>
                </td>
                <td>
                  <code>{k.prefix}</code>
                </td>
                <td>
                  <RoleChip role={k.role} />
                </td>
                <td className="scope">{k.role === 'ADMIN' ? 'Every model' : describeScope(k.modelIds, names)}</td>
                <td>
                  {formatWhen(k.createdAt)}
                  <div className="sub">by {k.createdByName}</div>
                </td>
                <td>{k.expiresAt ? formatWhen(k.expiresAt) : 'never'}</td>
                <td>{k.lastUsedAt ? formatWhen(k.lastUsedAt) : 'never'}</td>
                <td>
                  {k.revokedAt ? (
                    <span className="status-off" title={k.revokedAt}>
                      Revoked {formatWhen(k.revokedAt)}
                    </span>
                  ) : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? (
                    <span className="status-off">Expired</span>
                  ) : (
                    'Active'
                  )}
                </td>
                <td className="row-actions">
                  {!k.revokedAt &&
                    (confirming === k.id ? (
                      <span className="confirm" role="group" aria-label={`Confirm revoking ${k.name}`}>
                        <button
                          type="button"
                          className="danger small"
                          onClick={() => void revoke(k)}
                          disabled={revoking}
                        >
                          {revoking ? 'Revoking…' : 'Revoke key'}
                        </button>
                        <button type="button" className="small" onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="small"
                        onClick={() => {
                          setError(null);
                          setConfirming(k.id);
                        }}
                      >
                        Revoke…
                      </button>
                    ))}
                  {error?.id === k.id && <ErrorMessage error={error.error} title="Not revoked" />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
