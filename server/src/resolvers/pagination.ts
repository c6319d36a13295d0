/**
 * Cursor pagination over an already ordered list (elements are ordered by id). Cursors are opaque
 * base64 offsets; `first` is capped at {@link MAX_PAGE}.
 */
import { ValidationError } from '../domain/errors';

export const MAX_PAGE = 1000;

export interface Page<T> {
  totalCount: number;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const encode = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

function decode(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^o:(\d+)$/.exec(text);
  if (!m) throw new ValidationError('invalid cursor; pass an endCursor from a previous page', 'after');
  return Number(m[1]);
}

/** Returns the page after `after` of at most `first` items. ValidationError for first outside 0..1000 or a bad cursor. */
export function paginate<T>(
  items: readonly T[],
  first: number | null | undefined,
  after: string | null | undefined,
): Page<T> {
  const size = first ?? 200;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE) {
    throw new ValidationError(`first must be between 0 and ${MAX_PAGE}`, 'first');
  }
  const start = after ? decode(after) + 1 : 0;
  const nodes = items.slice(start, start + size);
  const last = start + nodes.length - 1;
  return {
    totalCount: items.length,
    nodes,
    pageInfo: { hasNextPage: last + 1 < items.length, endCursor: nodes.length ? encode(last) : null },
  };
}
