/**
 * The evidence upload route (server/src/http/uploads.ts) from the browser:
 * `POST /models/:modelId/imports/:format/:action` as multipart/form-data, one file part `file` and
 * text fields. The tab's session token goes as `Authorization: Bearer` (the route takes credentials
 * only from that header, never from cookies, which is what makes it CSRF-safe); a 401 to a request
 * that carried one drops the session as the GraphQL client does. Error answers have the GraphQL
 * error shape (`{ errors: [{ message, extensions: { code, field?, issues?, currentVersion? } }] }`)
 * and reject as {@link GraphQLRequestError}, so describeError / fieldErrors read them alike.
 */
import { GraphQLRequestError, type GraphQLErrorItem } from './errors';
import { reportSessionLost, sessionToken } from './session';

/** The evidence formats the import page offers (the route also takes otm and threat-dragon: new models). */
export const EVIDENCE_FORMATS = ['csaf', 'cyclonedx', 'mds2', 'inventory-csv'] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

/** preview: nothing written (VIEWER); commit: written in one audited transaction (EDITOR). */
export type UploadAction = 'preview' | 'commit';

/** Text fields of the upload: each value one field, arrays repeated (confirm, skip). */
export type UploadFields = Record<string, string | readonly string[] | undefined>;

/** The route's path for a model, format and action. */
export function uploadPath(modelId: string, format: string, action: UploadAction): string {
  return `/models/${encodeURIComponent(modelId)}/imports/${encodeURIComponent(format)}/${action}`;
}

/**
 * Sends `file` with `fields` and answers the route's `data`.
 * @throws GraphQLRequestError with the route's error items and HTTP status (BAD_USER_INPUT 400 with
 *   `issues` located in the file, CONFLICT 409 with `currentVersion`, FORBIDDEN 403,
 *   PAYLOAD_TOO_LARGE 413, ...); TypeError when the server cannot be reached.
 */
export async function uploadEvidence<T>(
  modelId: string,
  format: string,
  action: UploadAction,
  file: File,
  fields: UploadFields = {},
  options: { signal?: AbortSignal } = {},
): Promise<T> {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === '') continue;
    for (const v of typeof value === 'string' ? [value] : value) body.append(name, v);
  }
  body.append('file', file, file.name);
  const token = sessionToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(uploadPath(modelId, format, action), {
    method: 'POST',
    headers,
    body,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (token && res.status === 401) reportSessionLost(token);
  let answer: { data?: T; errors?: GraphQLErrorItem[] };
  try {
    answer = (await res.json()) as typeof answer;
  } catch {
    throw new GraphQLRequestError(
      [{ message: `The server answered HTTP ${res.status} without a JSON answer` }],
      res.status,
    );
  }
  if (answer.errors?.length) throw new GraphQLRequestError(answer.errors, res.status);
  if (!res.ok || answer.data === undefined)
    throw new GraphQLRequestError([{ message: `The upload failed (HTTP ${res.status})` }], res.status);
  return answer.data;
}
