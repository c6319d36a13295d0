/**
 * The process logger: pino with JSON lines on stdout, redacting secrets wherever they appear in a
 * log object: the Authorization and Cookie request headers, Set-Cookie response headers, and any
 * property named like a password, token or secret up to four levels deep (e.g. GraphQL
 * `variables.input.password`).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Property names whose values never reach a log. */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'adminPassword',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'secret',
  'clientSecret',
  'sessionSecret',
];

/** Redaction paths (fast-redact syntax) applied to every log line. */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

/** Replacement text of a redacted value. */
export const REDACTED = '[REDACTED]';

/**
 * Creates the process logger at `level`, named 'medthreat', with secrets redacted.
 * @param destination defaults to stdout (tests pass a stream to inspect the lines)
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, name: 'medthreat', redact: { paths: [...REDACT_PATHS], censor: REDACTED } };
  return destination ? pino(options, destination) : pino(options);
}
