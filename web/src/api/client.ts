/**
 * A small fetch-based GraphQL client over the codegen-typed documents: same-origin POST /graphql.
 * Any GraphQL error rejects with GraphQLRequestError (partial data is not used).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GraphQLRequestError, type GraphQLErrorItem } from './errors';

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

export async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: { signal?: AbortSignal } = {},
): Promise<TResult> {
  const res = await fetch(GRAPHQL_ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: source(document as TypedDocumentNode<unknown, unknown>), variables }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
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
