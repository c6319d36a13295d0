/**
 * The analysis pool: engine calls run in worker threads (piscina) so that the server's event loop
 * only routes requests. Around piscina it keeps its own scheduler, so that a task starts the
 * moment it is admitted and its deadline counts from then:
 *
 * - a global FIFO queue in front of `workers` threads; when `maxQueue` tasks already wait, the
 *   next is refused with ServiceUnavailableError (SERVICE_UNAVAILABLE);
 * - per principal at most `perPrincipal` tasks run at once; up to `perPrincipalQueue` more wait
 *   (other principals' tasks overtake them); beyond that RateLimitedError (RATE_LIMITED);
 * - a hard deadline per task: when it passes, the worker thread is terminated (piscina replaces
 *   it) and the caller gets EngineLimitError ('timeLimitMs');
 * - cancellation: when the caller's AbortSignal fires (the HTTP client went away), a waiting task
 *   leaves the queue and a running one is aborted the same way (CancelledError).
 *
 * The worker entry (engine-worker.ts) is loaded from server/dist when the server runs built, and
 * through tsx (engine-worker-tsx.cjs) when it runs from its TypeScript sources (tsx, ts-jest).
 */
import path from 'node:path';
import { Piscina } from 'piscina';
import {
  CancelledError,
  ConflictError,
  EngineLimitError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  RateLimitedError,
  ValidationError,
} from '../domain/errors';
import type {
  EngineTask,
  GraphSource,
  OperationArgs,
  OperationName,
  OperationResult,
  SerializedError,
  TaskOutcome,
} from './engine-worker';

export interface EnginePoolOptions {
  /** Worker threads (each runs one engine call at a time). */
  workers: number;
  /** Tasks that may wait for a thread, all principals together; beyond: SERVICE_UNAVAILABLE. */
  maxQueue: number;
  /** Tasks of one principal running at once. */
  perPrincipal: number;
  /** Further tasks of one principal that may wait; beyond: RATE_LIMITED. */
  perPrincipalQueue: number;
  /** How long a thread beyond the first may stay idle before it stops, ms (default 60,000). */
  idleTimeoutMs?: number;
  /** The worker module (default: engine-worker, built or from source); tests give a broken one. */
  workerFilename?: string;
}

/** Who runs a task, how long it may take, and what cancels it. */
export interface TaskOptions {
  /** Per-principal limits are keyed by this (`kind:id`). */
  principalKey: string;
  /** Wall-clock limit once the task runs, ms; then the worker is terminated (ENGINE_LIMIT 'timeLimitMs'). */
  deadlineMs: number;
  /** The caller's signal (client gone): the task leaves the queue or is aborted. */
  signal?: AbortSignal;
}

/** Counters, for tests, logs and the benchmark. */
export interface EnginePoolStats {
  running: number;
  waiting: number;
  completed: number;
  cancelled: number;
  timedOut: number;
  refused: number;
  /** Worker threads started (running or idle; piscina stops idle ones after a minute, all but one). */
  threads: number;
}

interface Waiter {
  principalKey: string;
  admit: () => void;
}

/** The worker entry: built JavaScript next to this file, or the tsx bootstrap from the sources. */
function workerFilename(): string {
  return __filename.endsWith('.ts')
    ? path.join(__dirname, 'engine-worker-tsx.cjs')
    : path.join(__dirname, 'engine-worker.js');
}

/** A domain error again from its data (the worker sends errors as data). */
function rehydrate(e: SerializedError): Error {
  switch (e.code) {
    case 'BAD_USER_INPUT':
      return new ValidationError(e.issues ?? e.message, e.field);
    case 'ENGINE_LIMIT':
      return new EngineLimitError(e.message, e.limit ?? e.field ?? 'unknown', e.value ?? 0);
    case 'NOT_FOUND':
      return new NotFoundError(e.message, e.field);
    case 'CONFLICT':
      return new ConflictError(e.message, e.field);
    case 'FORBIDDEN':
      return new ForbiddenError(e.message, e.field);
    default: {
      const err = new Error(`analysis worker: ${e.message}`);
      err.name = e.name;
      return err;
    }
  }
}

export class EnginePool {
  private piscina: Piscina<EngineTask, TaskOutcome> | undefined;
  private readonly queue: Waiter[] = [];
  private readonly runningBy = new Map<string, number>();
  private readonly waitingBy = new Map<string, number>();
  private readonly counters: EnginePoolStats = {
    running: 0,
    waiting: 0,
    completed: 0,
    cancelled: 0,
    timedOut: 0,
    refused: 0,
    threads: 0,
  };
  private closed = false;

  constructor(readonly options: EnginePoolOptions) {}

  /** Current counters (a copy). */
  stats(): EnginePoolStats {
    return { ...this.counters, waiting: this.queue.length, threads: this.piscina?.threads.length ?? 0 };
  }

  /** The piscina pool, started on first use (threads start as tasks need them). */
  private pool(): Piscina<EngineTask, TaskOutcome> {
    if (this.closed) throw new ServiceUnavailableError('the analysis pool is shut down');
    this.piscina ??= new Piscina<EngineTask, TaskOutcome>({
      filename: this.options.workerFilename ?? workerFilename(),
      // One thread stays up once the pool has started (the server starts it before it listens,
      // main.ts): the next analysis after a quiet spell neither waits for a thread to load the
      // engine (0.14–0.27 s in the 10k bench) nor loses that thread's cached graphs. Further threads stop after a
      // minute idle.
      minThreads: 1,
      maxThreads: this.options.workers,
      idleTimeout: this.idleTimeoutMs(),
      // the kept thread drops all but its most recently used graph after as long idle (engine-worker.ts):
      // an idle worker must run timers, so it waits for tasks on its event loop, not in Atomics.wait
      // (piscina's default; it saves a fraction of a ms per task, and tasks here take tens of ms and more)
      workerData: { idleTrimMs: this.idleTimeoutMs() },
      atomics: 'disabled',
      // the scheduler below admits at most `workers` tasks: piscina's own queue only holds a task
      // while a terminated thread is being replaced
      maxQueue: this.options.workers * 2,
    });
    // A worker that fails with no task of its own (e.g. the kept thread failing to load the
    // engine) is reported by the next ready(); tasks get their own errors. Without a listener
    // piscina's 'error' event would end the process.
    this.piscina.on('error', this.onWorkerError);
    return this.piscina;
  }

  private idleTimeoutMs(): number {
    return this.options.idleTimeoutMs ?? 60_000;
  }

  /** The last error of a worker that had no task (see {@link ready}). */
  private workerError: Error | undefined;
  private readonly onWorkerError = (e: unknown): void => {
    this.workerError = e instanceof Error ? e : new Error(String(e));
  };

  /**
   * Starts a worker thread, if none is running yet, and loads the engine in it, without waiting:
   * called when a graph is about to be needed, so that the thread starts while the model is still
   * being read (a fresh thread takes a few hundred ms to load the engine). Outside the scheduler
   * (it runs no analysis); a failure is ignored (the real task reports it).
   * @returns resolves when the thread has loaded the engine (callers need not wait)
   */
  warm(): Promise<void> {
    if (this.closed || (this.piscina && this.piscina.threads.length > 0)) return Promise.resolve();
    return this.ready().catch(() => undefined);
  }

  /**
   * Starts the kept worker thread and waits until it has loaded the engine: the server calls it
   * before it listens (main.ts), so that a broken installation fails at start-up with the reason.
   * @param timeoutMs how long loading may take (default 60,000 ms)
   * @throws ServiceUnavailableError naming the worker's error, when the thread fails to load the
   *   engine or has not loaded it within `timeoutMs`, or when the pool is shut down
   */
  async ready(timeoutMs = 60_000): Promise<void> {
    const pool = this.pool();
    let timer: NodeJS.Timeout | undefined;
    let onError: ((e: unknown) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      onError = (e) => reject(e instanceof Error ? e : new Error(String(e)));
      pool.once('error', onError);
      timer = setTimeout(() => reject(new Error(`not loaded within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      if (this.workerError) throw this.workerError;
      await Promise.race([pool.run({ op: 'warm', args: [] }), failed]);
    } catch (e) {
      throw new ServiceUnavailableError(
        `the analysis worker thread could not load the engine: ${e instanceof Error ? e.message : String(e)}`,
      );
    } finally {
      clearTimeout(timer);
      if (onError) pool.off('error', onError);
    }
  }

  /**
   * Runs engine operation `op` in a worker. For graph operations, `graph` names the cached graph
   * and, through `build`, how to build it when the worker does not hold it (called at most once).
   * @throws RateLimitedError, ServiceUnavailableError (queue full or pool shut down),
   *   EngineLimitError ('timeLimitMs', deadline passed), CancelledError (signal), and the
   *   domain errors the engine raises (ValidationError, EngineLimitError, …)
   */
  async run<O extends OperationName>(
    op: O,
    args: OperationArgs<O>,
    graph: { key: string; build: () => Promise<NonNullable<GraphSource['build']>> } | undefined,
    options: TaskOptions,
  ): Promise<OperationResult<O>> {
    await this.admit(options);
    const controller = new AbortController();
    const onAbort = () => controller.abort('client');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort('deadline'), options.deadlineMs);
    try {
      const send = async (source: GraphSource | undefined): Promise<TaskOutcome> => {
        const task: EngineTask = { op, args: args as unknown[], ...(source ? { graph: source } : {}) };
        return this.pool().run(task, { signal: controller.signal });
      };
      let outcome = await send(graph ? { key: graph.key } : undefined);
      if (outcome.kind === 'miss' && graph) {
        const build = await graph.build();
        if (controller.signal.aborted) throw controller.signal.reason;
        outcome = await send({ key: graph.key, build });
      }
      if (outcome.kind === 'error') throw rehydrate(outcome.error);
      if (outcome.kind === 'miss') throw new Error(`analysis worker could not find graph ${graph?.key}`);
      this.counters.completed++;
      return outcome.value as OperationResult<O>;
    } catch (e) {
      if (controller.signal.aborted) {
        if (controller.signal.reason === 'deadline') {
          this.counters.timedOut++;
          throw new EngineLimitError(
            `the analysis was stopped after ${options.deadlineMs} ms (the time allowed to your role); ` +
              'ask for a lower timeLimitMs or a narrower analysis',
            'timeLimitMs',
            options.deadlineMs,
          );
        }
        this.counters.cancelled++;
        throw new CancelledError('the analysis was cancelled: the client went away');
      }
      throw e;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      this.release(options.principalKey);
    }
  }

  /** Waits for a thread under the global and per-principal limits (or refuses at once). */
  private admit(options: TaskOptions): Promise<void> {
    const key = options.principalKey;
    if (options.signal?.aborted) {
      this.counters.cancelled++;
      return Promise.reject(new CancelledError('the analysis was cancelled: the client went away'));
    }
    const running = this.runningBy.get(key) ?? 0;
    if (this.counters.running < this.options.workers && running < this.options.perPrincipal) {
      this.start(key);
      return Promise.resolve();
    }
    const waiting = this.waitingBy.get(key) ?? 0;
    if (running >= this.options.perPrincipal && waiting >= this.options.perPrincipalQueue) {
      this.counters.refused++;
      return Promise.reject(
        new RateLimitedError(
          `too many analyses at once: at most ${this.options.perPrincipal} run and ${this.options.perPrincipalQueue} ` +
            'wait per caller; retry when one has finished',
          1000,
        ),
      );
    }
    if (this.queue.length >= this.options.maxQueue) {
      this.counters.refused++;
      return Promise.reject(
        new ServiceUnavailableError(`the analysis queue is full (${this.options.maxQueue} waiting); retry shortly`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        principalKey: key,
        admit: () => {
          options.signal?.removeEventListener('abort', leave);
          resolve();
        },
      };
      const leave = () => {
        const i = this.queue.indexOf(waiter);
        if (i < 0) return;
        this.queue.splice(i, 1);
        this.waitingBy.set(key, (this.waitingBy.get(key) ?? 1) - 1);
        this.counters.cancelled++;
        reject(new CancelledError('the analysis was cancelled: the client went away'));
      };
      options.signal?.addEventListener('abort', leave, { once: true });
      this.queue.push(waiter);
      this.waitingBy.set(key, waiting + 1);
    });
  }

  private start(key: string): void {
    this.counters.running++;
    this.runningBy.set(key, (this.runningBy.get(key) ?? 0) + 1);
  }

  /** Frees the caller's thread and admits the first waiter whose principal is under its limit. */
  private release(key: string): void {
    this.counters.running--;
    const left = (this.runningBy.get(key) ?? 1) - 1;
    if (left > 0) this.runningBy.set(key, left);
    else this.runningBy.delete(key);
    while (this.counters.running < this.options.workers) {
      const i = this.queue.findIndex((w) => (this.runningBy.get(w.principalKey) ?? 0) < this.options.perPrincipal);
      if (i < 0) return;
      const [waiter] = this.queue.splice(i, 1);
      const k = waiter!.principalKey;
      const w = (this.waitingBy.get(k) ?? 1) - 1;
      if (w > 0) this.waitingBy.set(k, w);
      else this.waitingBy.delete(k);
      this.start(k);
      waiter!.admit();
    }
  }

  /** Stops the threads (running tasks are aborted); later runs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const p = this.piscina;
    this.piscina = undefined;
    if (p) await p.destroy();
  }
}
