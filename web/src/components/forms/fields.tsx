/**
 * Form fields over react-hook-form (FormProvider context): a label, the control, and the error of
 * that field (client rules or the server's extensions.field / extensions.issues) right below it.
 */
import { useId, type ReactNode } from 'react';
import { Controller, useFormContext, type RegisterOptions } from 'react-hook-form';

export interface Option {
  value: string;
  label: string;
  group?: string;
}

function useFieldError(name: string): string | undefined {
  const {
    formState: { errors },
  } = useFormContext();
  const e = name
    .split('.')
    .reduce<unknown>(
      (acc, k) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined),
      errors,
    ) as { message?: string } | undefined;
  return e?.message;
}

function FieldShell({
  id,
  label,
  error,
  hint,
  children,
  required,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
  required?: boolean;
}) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {children}
      {hint && !error && (
        <small className="hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
      {error && (
        <small className="field-error" id={`${id}-error`} role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function TextField({
  name,
  label,
  required,
  hint,
  type = 'text',
  placeholder,
  rules,
  multiline,
  autoComplete,
}: {
  name: string;
  label: string;
  required?: boolean;
  hint?: string;
  type?: 'text' | 'number' | 'password' | 'datetime-local';
  placeholder?: string;
  rules?: RegisterOptions;
  multiline?: boolean;
  /** The browser's autofill hint, e.g. "username", "current-password", "new-password", "off". */
  autoComplete?: string;
}) {
  const id = useId();
  const { register } = useFormContext();
  const error = useFieldError(name);
  const reg = register(name, { ...(required ? { required: `${label} is required` } : {}), ...rules });
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} required={required}>
      {multiline ? (
        <textarea
          id={id}
          rows={3}
          aria-invalid={Boolean(error)}
          aria-describedby={describedBy}
          placeholder={placeholder}
          {...reg}
        />
      ) : (
        <input
          id={id}
          type={type}
          step={type === 'number' ? 'any' : undefined}
          aria-invalid={Boolean(error)}
          aria-describedby={describedBy}
          placeholder={placeholder}
          autoComplete={autoComplete}
          {...reg}
        />
      )}
    </FieldShell>
  );
}

export function SelectField({
  name,
  label,
  options,
  required,
  hint,
  emptyLabel,
}: {
  name: string;
  label: string;
  options: Option[];
  required?: boolean;
  hint?: string;
  emptyLabel?: string;
}) {
  const id = useId();
  const { register } = useFormContext();
  const error = useFieldError(name);
  const groups = [...new Set(options.map((o) => o.group ?? ''))];
  const render = (opts: Option[]) =>
    opts.map((o) => (
      <option key={o.value} value={o.value}>
        {o.label}
      </option>
    ));
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} required={required}>
      <select
        id={id}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
        {...register(name, required ? { required: `${label} is required` } : {})}
      >
        {(!required || emptyLabel) && <option value="">{emptyLabel ?? '—'}</option>}
        {groups.length > 1
          ? groups.map((g) => (
              <optgroup key={g} label={g}>
                {render(options.filter((o) => (o.group ?? '') === g))}
              </optgroup>
            ))
          : render(options)}
      </select>
    </FieldShell>
  );
}

export function CheckboxField({ name, label, hint }: { name: string; label: string; hint?: string }) {
  const id = useId();
  const { register } = useFormContext();
  const error = useFieldError(name);
  return (
    <div className={`field checkbox${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        <input id={id} type="checkbox" {...register(name)} /> {label}
      </label>
      {hint && <small className="hint">{hint}</small>}
      {error && (
        <small className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** A set of checkboxes whose value is a string array (zones, mechanisms, payloads...). */
export function CheckboxGroup({
  name,
  label,
  options,
  required,
  hint,
}: {
  name: string;
  label: string;
  options: Option[];
  required?: boolean;
  hint?: string;
}) {
  const { control } = useFormContext();
  const error = useFieldError(name);
  const id = useId();
  return (
    <fieldset
      className={`field group${error ? ' has-error' : ''}`}
      aria-describedby={error ? `${id}-error` : undefined}
      aria-invalid={Boolean(error)}
    >
      <legend>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </legend>
      <Controller
        name={name}
        control={control}
        rules={
          required
            ? { validate: (v: string[]) => (v && v.length > 0) || `Choose at least one: ${label.toLowerCase()}` }
            : {}
        }
        render={({ field }) => {
          const value: string[] = Array.isArray(field.value) ? field.value : [];
          return (
            <div className="checkbox-list">
              {options.map((o) => (
                <label key={o.value}>
                  <input
                    type="checkbox"
                    name={name}
                    value={o.value}
                    checked={value.includes(o.value)}
                    onChange={(e) =>
                      field.onChange(e.target.checked ? [...value, o.value] : value.filter((v) => v !== o.value))
                    }
                    onBlur={field.onBlur}
                  />{' '}
                  {o.label}
                </label>
              ))}
            </div>
          );
        }}
      />
      {hint && !error && <small className="hint">{hint}</small>}
      {error && (
        <small className="field-error" id={`${id}-error`} role="alert">
          {error}
        </small>
      )}
    </fieldset>
  );
}
