/**
 * GraphQL errors as the UI needs them: the server sends `extensions.code` (BAD_USER_INPUT,
 * NOT_FOUND, CONFLICT, ENGINE_LIMIT, ...), `extensions.field` and, for validation,
 * `extensions.issues` [{path, message}] with paths like "input.zoneIds[0]". Pure.
 */
export interface GraphQLErrorItem {
  message: string;
  path?: readonly (string | number)[];
  extensions?: {
    code?: string;
    field?: string;
    issues?: { path: string; message: string }[];
    [key: string]: unknown;
  };
}

export class GraphQLRequestError extends Error {
  readonly errors: readonly GraphQLErrorItem[];
  readonly status: number;

  constructor(errors: readonly GraphQLErrorItem[], status = 200) {
    super(errors.map((e) => e.message).join('; ') || `GraphQL request failed (HTTP ${status})`);
    this.name = 'GraphQLRequestError';
    this.errors = errors;
    this.status = status;
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/**
 * "input.zoneIds[0]" → "zoneIds"; "patch.name" → "name"; "document.devices[3].name" → "devices[3].name".
 * The argument name (input, patch) is dropped, and a trailing index points at the whole list field.
 */
export function formFieldOf(path: string): string {
  let p = path.replace(/^\$?(input|patch)\./, '');
  p = p.replace(/\[\d+\]$/, '');
  return p;
}

/** Field → message for every error that names a field; the first message per field wins. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof GraphQLRequestError)) return out;
  for (const e of error.errors) {
    const issues = e.extensions?.issues;
    if (issues?.length) {
      for (const i of issues) {
        const f = formFieldOf(i.path);
        if (f && !(f in out)) out[f] = i.message;
      }
    } else if (e.extensions?.field) {
      const f = formFieldOf(e.extensions.field);
      if (f && !(f in out)) out[f] = e.message;
    }
  }
  return out;
}

/** A message for the user: the server's message, with a hint for codes without field detail. */
export function describeError(error: unknown): string {
  if (error instanceof GraphQLRequestError) {
    const code = error.code;
    const msg = error.errors.map((e) => e.message).join(' · ');
    if (code === 'INTERNAL_SERVER_ERROR') return `${msg} (the server logged the details)`;
    // a stale expectedVersion (optimistic concurrency): someone else wrote since this page loaded
    const current = error.errors[0]?.extensions?.['currentVersion'];
    if (code === 'CONFLICT' && typeof current === 'number')
      return `This model was changed by someone else since you loaded it (it is now at version ${current}); nothing was saved. Reload the model, then make your change again.`;
    // The server's ENGINE_LIMIT messages usually say what to narrow; add a hint only when not.
    if (code === 'ENGINE_LIMIT' && !/narrow|raise|fewer/i.test(msg))
      return `${msg} — narrow the analysis (fewer paths per target, a higher minimum severity)`;
    return msg;
  }
  if (error instanceof TypeError)
    return `Cannot reach the MedThreat server (${error.message}). Check that it is running.`;
  if (error instanceof Error) return error.message;
  return String(error);
}
