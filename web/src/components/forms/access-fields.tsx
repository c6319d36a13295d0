/**
 * Form fields shared by the Users and API keys pages (react-hook-form context): the role, and the
 * model scope ("every model" or a chosen list; admins always reach every model).
 */
import { useId } from 'react';
import { Controller, useFormContext, useWatch } from 'react-hook-form';
import type { Role } from '../../api/__generated__/graphql';
import { ROLE_HINT, ROLE_LABEL } from '../../api/permissions';

/** The roles, least first. */
export const ROLE_ORDER: readonly Role[] = ['VIEWER', 'EDITOR', 'ADMIN'];

/** Form values of a scope: every model, or only `modelIds`. */
export interface ScopeValues {
  allModels: boolean;
  modelIds: string[];
}

/** `modelIds` as the API takes it: null = every model (and always for ADMIN). */
export function scopeToModelIds(role: Role, v: ScopeValues): string[] | null {
  return role === 'ADMIN' || v.allModels ? null : v.modelIds;
}

/** Form values for a stored scope. */
export function scopeValues(modelIds: readonly string[] | null): ScopeValues {
  return { allModels: modelIds === null, modelIds: modelIds ? [...modelIds] : [] };
}

/** A short description of a scope for tables: "Every model" or the model names. */
export function describeScope(modelIds: readonly string[] | null, names: ReadonlyMap<string, string>): string {
  if (modelIds === null) return 'Every model';
  if (modelIds.length === 0) return 'No model';
  return modelIds.map((id) => names.get(id) ?? id).join(', ');
}

/** Role choice (field `role`) with what the chosen role may do below it. */
export function RoleField({ label = 'Role' }: { label?: string }) {
  const id = useId();
  const { register, control } = useFormContext<{ role: Role }>();
  const role = useWatch({ control, name: 'role' });
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-describedby={`${id}-hint`} {...register('role')}>
        {ROLE_ORDER.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABEL[r]}
          </option>
        ))}
      </select>
      <small className="hint" id={`${id}-hint`}>
        {role ? ROLE_HINT[role] : ''}
      </small>
    </div>
  );
}

/**
 * Model scope (fields `allModels` and `modelIds`): every model, or only the checked ones. Disabled
 * for the ADMIN role, which is never limited to models.
 */
export function ModelScopeField({ models }: { models: readonly { id: string; name: string }[] }) {
  const id = useId();
  const { control } = useFormContext<ScopeValues & { role: Role }>();
  const role = useWatch({ control, name: 'role' });
  const all = useWatch({ control, name: 'allModels' });
  const admin = role === 'ADMIN';
  return (
    <fieldset className="field group scope-field" aria-describedby={admin ? `${id}-admin` : undefined}>
      <legend>Models</legend>
      <Controller
        name="allModels"
        control={control}
        render={({ field }) => (
          <div className="scope-choice">
            <label>
              <input
                type="radio"
                name={`${id}-scope`}
                checked={admin || field.value}
                disabled={admin}
                onChange={() => field.onChange(true)}
              />{' '}
              Every model
            </label>
            <label>
              <input
                type="radio"
                name={`${id}-scope`}
                checked={!admin && !field.value}
                disabled={admin}
                onChange={() => field.onChange(false)}
              />{' '}
              Only these models
            </label>
          </div>
        )}
      />
      {admin ? (
        <small className="hint" id={`${id}-admin`}>
          Admins always reach every model.
        </small>
      ) : (
        !all && (
          <Controller
            name="modelIds"
            control={control}
            rules={{
              validate: (v: string[], values) =>
                values.role === 'ADMIN' || values.allModels || v.length > 0 || 'Choose at least one model',
            }}
            render={({ field, fieldState }) => (
              <>
                <div className="checkbox-list" role="group" aria-label="Models in scope">
                  {models.length === 0 && <span className="hint">No models yet.</span>}
                  {models.map((m) => (
                    <label key={m.id}>
                      <input
                        type="checkbox"
                        value={m.id}
                        checked={field.value.includes(m.id)}
                        onChange={(e) =>
                          field.onChange(
                            e.target.checked ? [...field.value, m.id] : field.value.filter((x) => x !== m.id),
                          )
                        }
                      />{' '}
                      {m.name} <span className="sub">({m.id})</span>
                    </label>
                  ))}
                </div>
                {fieldState.error?.message && (
                  <small className="field-error" role="alert">
                    {fieldState.error.message}
                  </small>
                )}
              </>
            )}
          />
        )
      )}
    </fieldset>
  );
}
