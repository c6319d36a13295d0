/**
 * A small fetch-based GraphQL client over the codegen-typed documents: same-origin POST /graphql.
 * Any GraphQL error rejects with GraphQLRequestError (partial data is not used). The tab's session
 * token (session.ts) goes with every request as `Authorization: Bearer`; when the server answers
 * HTTP 401 to a request that carried one (expired, revoked, account disabled), the session is
 * dropped and the app returns to the sign-in page.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GraphQLRequestError, type GraphQLErrorItem } from './errors';
import { reportSessionLost, sessionToken } from './session';

const printed = new WeakMap<object, string>();

function source(doc: TypedDocumentNode<unknown, unknown>): string {
  let s = printed.get(doc);
  if (!s) {
    s = print(doc);
    printed.set(doc, s);
  }
  return s;
}

export const GRAPHQL_ENDPOINT = '/graphql';

/**
 * Runs one operation. `anonymous`: send no token even when signed in (sign-in itself, so a wrong
 * password is never taken for a lost session).
 */
export async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: { signal?: AbortSignal; anonymous?: boolean } = {},
): Promise<TResult> {
  const token = options.anonymous ? null : sessionToken();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(GRAPHQL_ENDPOINT, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: source(document as TypedDocumentNode<unknown, unknown>), variables }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (token && res.status === 401) reportSessionLost(token);
  let body: { data?: TResult | null; errors?: GraphQLErrorItem[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError(
      [{ message: `The server answered HTTP ${res.status} without a GraphQL response` }],
      res.status,
    );
  }
  if (body.errors?.length) throw new GraphQLRequestError(body.errors, res.status);
  if (!res.ok || body.data == null)
    throw new GraphQLRequestError([{ message: `GraphQL request failed (HTTP ${res.status})` }], res.status);
  return body.data;
}

/** The result of a mutation with every root field present (see {@link mutate}). */
export type Written<TResult> = { [K in keyof TResult]: NonNullable<TResult[K]> };

/**
 * Runs a mutation through {@link request}. Mutation fields are nullable in the schema (a failed
 * one is null while earlier ones in the same request keep their results), but any error rejects
 * here, so every root field of the answer is present: this says so to the type checker, and
 * rejects if one is null all the same.
 */
export async function mutate<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: { signal?: AbortSignal; anonymous?: boolean } = {},
): Promise<Written<TResult>> {
  const data = await request(document, variables, options);
  const missing = Object.entries(data as object).find(([, v]) => v === null || v === undefined);
  if (missing) throw new GraphQLRequestError([{ message: `The server returned no result for ${missing[0]}` }]);
  return data as Written<TResult>;
}
