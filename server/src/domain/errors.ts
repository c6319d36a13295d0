/**
 * Domain errors. Each carries a GraphQL `extensions.code` and, where one field is at fault, the
 * path of that field (e.g. "devices[3].zoneIds[0]" or the GraphQL argument "input.riskClass").
 * formatError in the GraphQL layer turns them into client errors; anything else becomes
 * INTERNAL_SERVER_ERROR with a generic message, so driver and Cypher text never reach clients.
 */

/** One problem found while validating input. `path` is a JSON-pointer-like dotted path. */
export interface FieldIssue {
  path: string;
  message: string;
}

export type DomainErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ENGINE_LIMIT'
  | 'BAD_STORED_DATA'
  | 'SERVICE_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'CANCELLED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN';

/** Base class: never thrown directly. */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** Path of the field at fault, when there is one. */
  readonly field?: string;
  constructor(message: string, field?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    if (field !== undefined) this.field = field;
  }
}

/** Input failed validation (schema, references, domain rules). `issues` lists every problem found, first one in `field`. */
export class ValidationError extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[] | string, field?: string) {
    const list = typeof issues === 'string' ? [{ path: field ?? '', message: issues }] : issues;
    const first = list[0];
    const summary =
      list.length === 0
        ? 'Invalid input'
        : `${first!.path ? `${first!.path}: ` : ''}${first!.message}${list.length > 1 ? ` (and ${list.length - 1} more problem${list.length > 2 ? 's' : ''})` : ''}`;
    super(summary, first?.path || field);
    this.issues = list;
  }
}

/** The model or element named does not exist. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
}

/** The write clashes with existing data (duplicate id, element still referenced). */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
}

/**
 * Optimistic concurrency: the caller sent `expectedVersion` (the model version it last loaded)
 * and the model is at another version now, so nothing was written. `currentVersion` is the
 * model's version at the time of the check (GraphQL `extensions.currentVersion`); the client
 * reloads and applies its change again. Field: `expectedVersion`.
 */
export class StaleVersionError extends ConflictError {
  constructor(
    readonly modelId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `model '${modelId}' is at version ${currentVersion}, not ${expectedVersion}: it was changed by someone else since you loaded it; reload and try again`,
      'expectedVersion',
    );
  }
}

/** An analysis hit a hard limit (depth, number of paths, time). `limit` names it. */
export class EngineLimitError extends DomainError {
  readonly code = 'ENGINE_LIMIT' as const;
  constructor(
    message: string,
    readonly limit: string,
    readonly value: number,
  ) {
    super(message, limit);
  }
}

/**
 * A stored element cannot be read back as the domain type (a property missing, of the wrong type
 * or outside its enum), e.g. after a hand edit of the database. Names the element and the
 * property; the message says what was expected (never the stored value whole).
 */
export class StoredDataError extends DomainError {
  readonly code = 'BAD_STORED_DATA' as const;
  constructor(
    message: string,
    readonly elementId: string,
    readonly property: string,
  ) {
    super(message, property);
  }
}

/** No valid credentials: missing, expired, revoked or malformed token or key (HTTP 401). */
export class AuthenticationError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
}

/** Authenticated, but the role or the model scope does not allow the operation (HTTP 403). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}

/**
 * Refused for rate: too many attempts (sign-in, current-password checks) in the current window,
 * nothing was checked; or the caller already has as many analyses running and waiting as the
 * analysis pool allows per principal. Try again after `retryAfterMs` (HTTP 429 with Retry-After
 * over HTTP).
 */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED' as const;
  /** Milliseconds until the window that refused ends (≥ 0). */
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, field?: string) {
    super(message, field);
    this.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
  }
}

/** The database cannot be reached right now; the client may retry. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
}

/** The work was stopped because the client went away (nobody reads this answer). */
export class CancelledError extends DomainError {
  readonly code = 'CANCELLED' as const;
}

/**
 * Runs `fn`; if it throws a ValidationError, rethrows it with every issue path prefixed by
 * `prefix` (the GraphQL argument, e.g. "document"), so clients see the field at fault.
 */
export function withPathPrefix<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new ValidationError(e.issues.map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix })));
    }
    throw e;
  }
}
