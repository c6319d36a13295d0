/**
 * Graceful HTTP shutdown: stop accepting connections, let in-flight requests finish, close idle
 * keep-alive sockets at once (and each one as soon as its last response is sent), and after a grace
 * period close whatever is left. Replaces Apollo's drain plugin, which kept shutdown waiting on
 * idle keep-alive clients.
 */
import type http from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

export interface HttpDrainer {
  /** Express middleware: counts in-flight requests; once draining, answers with `Connection: close`. */
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  /** True once drain() has been called (readiness answers 503 from then on). */
  readonly draining: boolean;
  /** Number of requests whose response has not finished yet. */
  readonly inFlight: number;
  /**
   * Stops accepting connections and resolves once every connection is closed: in-flight requests
   * run to completion; idle keep-alive sockets are closed immediately; after `graceMs` (ms,
   * default 10000) the remaining connections are closed forcibly. Logs each stage. Idempotent.
   */
  drain(graceMs?: number): Promise<void>;
}

/** Wraps `httpServer` for graceful shutdown; install `middleware` before any route. */
export function createHttpDrainer(httpServer: http.Server, log: Logger): HttpDrainer {
  const active = new Set<Response>();
  let draining = false;
  let drained: Promise<void> | undefined;

  const closeIdleSoon = () => setImmediate(() => httpServer.closeIdleConnections());

  const middleware = (_req: Request, res: Response, next: NextFunction) => {
    active.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      active.delete(res);
      // the socket of a finished keep-alive request is idle now: close it instead of waiting
      if (draining) closeIdleSoon();
    });
    next();
  };

  const drain = (graceMs = 10000): Promise<void> => {
    if (drained) return drained;
    draining = true;
    const started = Date.now();
    drained = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        log.warn({ inFlight: active.size, graceMs }, 'shutdown: grace period over; closing remaining connections');
        httpServer.closeAllConnections();
      }, graceMs);
      timer.unref();
      log.info({ inFlight: active.size, graceMs }, 'shutdown: stopped accepting connections; draining requests');
      httpServer.close(() => {
        clearTimeout(timer);
        log.info({ durationMs: Date.now() - started }, 'shutdown: HTTP connections closed');
        resolve();
      });
      // responses not yet started tell their clients not to reuse the connection
      for (const res of active) if (!res.headersSent) res.setHeader('connection', 'close');
      httpServer.closeIdleConnections();
    });
    return drained;
  };

  return {
    middleware,
    get draining() {
      return draining;
    },
    get inFlight() {
      return active.size;
    },
    drain,
  };
}
