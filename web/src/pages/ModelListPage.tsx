/** All threat models, newest first: open one, import a model file, or start an empty model. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router-dom';
import { CreateModelDocument } from '../api/__generated__/graphql';
import { mutate } from '../api/client';
import { fieldErrors } from '../api/errors';
import { keys, useModels } from '../api/hooks';
import { useCan } from '../app/auth';
import { Empty, ErrorMessage, Loading } from '../components/Feedback';
import { ImportModelButton } from '../components/ModelFileActions';
import { PageHeader } from '../components/PageHeader';
import { TextField } from '../components/forms/fields';

function NewModelForm({ onCreated }: { onCreated: (id: string) => void }) {
  const form = useForm({ defaultValues: { id: '', name: '', description: '' } });
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  return (
    <FormProvider {...form}>
      <form
        className="element-form inline"
        noValidate
        aria-label="New model"
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          try {
            const r = await mutate(CreateModelDocument, {
              id: v.id.trim(),
              name: v.name.trim(),
              description: v.description.trim() || null,
            });
            await qc.invalidateQueries({ queryKey: keys.models });
            onCreated(r.createModel.id);
          } catch (e) {
            const f = fieldErrors(e);
            for (const [k, m] of Object.entries(f)) if (k === 'id' || k === 'name') form.setError(k, { message: m });
            setError(e);
          }
        })}
      >
        <h3>New empty model</h3>
        {error != null && <ErrorMessage error={error} />}
        <div className="field-row">
          <TextField
            name="id"
            label="Id"
            required
            rules={{ pattern: { value: /^[A-Za-z0-9][\w.-]*$/, message: 'Letters, digits, - _ . only' } }}
          />
          <TextField name="name" label="Name" required />
        </div>
        <TextField name="description" label="Description" />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            Create model
          </button>
        </div>
      </form>
    </FormProvider>
  );
}

/** All threat models the signed-in principal may see; import and create for editors. */
export function ModelListPage() {
  const models = useModels();
  const navigate = useNavigate();
  const can = useCan();
  const open = (id: string) => navigate(`/models/${encodeURIComponent(id)}`);
  return (
    <div className="page">
      <PageHeader title="Threat models" meta="Connected medical devices in hospitals · Singapore TR 67:2018">
        {can('importModel') && <ImportModelButton onImported={open} />}
      </PageHeader>
      <main className="page-body">
        {models.isPending && <Loading label="Loading models…" />}
        {models.error && (
          <ErrorMessage error={models.error} title="Models unavailable" onRetry={() => void models.refetch()} />
        )}
        {models.data && models.data.length === 0 && (
          <Empty>
            {can('createModel')
              ? 'No models yet: import a model file or create an empty model.'
              : 'No models to show: ask an administrator for access to a model.'}
          </Empty>
        )}
        {models.data && models.data.length > 0 && (
          <table className="data-table models" data-testid="model-list">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Devices</th>
                <th scope="col">Zones</th>
                <th scope="col">Version</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {models.data.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={`/models/${encodeURIComponent(m.id)}`}>{m.name}</Link>
                    <div className="sub">{m.description}</div>
                  </td>
                  <td className="num">{m.counts?.devices ?? '—'}</td>
                  <td className="num">{m.counts?.zones ?? '—'}</td>
                  <td className="num">{m.version}</td>
                  <td>{new Date(m.updatedAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {can('createModel') && <NewModelForm onCreated={open} />}
      </main>
    </div>
  );
}
