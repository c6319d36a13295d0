/**
 * Reading the audit trail (issue #5). Entries are written by the services that make changes, in
 * the same transaction as the change (ModelService.change, AuthService, CatalogueService).
 */
import type { AuditEvent, AuditFilter, AuditRepository } from '../graph/repositories/audit-repository';
import { ValidationError } from '../domain/errors';

export const MAX_AUDIT_PAGE = 500;

export interface AuditPage {
  nodes: AuditEvent[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const encode = (offset: number) => Buffer.from(`a:${offset}`).toString('base64url');
function decode(cursor: string): number {
  const m = /^a:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError('invalid cursor; pass an endCursor from a previous page', 'after');
  return Number(m[1]);
}

export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  /**
   * One page of entries, newest first. `first` 0-500 (default 50); `after` an endCursor.
   * ValidationError (`first`, `after`) otherwise.
   */
  async events(filter: AuditFilter, first = 50, after?: string): Promise<AuditPage> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_AUDIT_PAGE) {
      throw new ValidationError(`first must be between 0 and ${MAX_AUDIT_PAGE}`, 'first');
    }
    const start = after ? decode(after) + 1 : 0;
    const rows = await this.repo.list(filter, start, first + 1);
    const nodes = rows.slice(0, first);
    return {
      nodes,
      pageInfo: {
        hasNextPage: rows.length > first,
        endCursor: nodes.length ? encode(start + nodes.length - 1) : null,
      },
    };
  }
}
