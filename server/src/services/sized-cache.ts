/**
 * Caches bounded by an estimate of their size in memory, not by a count of entries (issue 11
 * point 5): one result of a 5,000-device model can weigh as much as a hundred of a small one.
 * Built on `lru-cache` (maxSize with a size per entry); the estimate is {@link estimateSize}.
 */
import { LRUCache } from 'lru-cache';

/** Bytes counted for an entry whose value is still being computed. */
const PENDING_BYTES = 4096;

/**
 * A rough upper estimate of the heap bytes a plain value holds (JSON-like data, typed arrays,
 * Maps and Sets): strings 2 bytes per character plus a header, numbers 8, objects and arrays a
 * header plus 8 per slot. Each object is counted once (shared references and cycles are safe).
 * Linear in the value's size; meant for values about to be kept, not for hot paths.
 */
export function estimateSize(value: unknown): number {
  let bytes = 0;
  const seen = new WeakSet<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        bytes += 16 + 2 * v.length;
        continue;
      case 'number':
      case 'bigint':
        bytes += 8;
        continue;
      case 'boolean':
        bytes += 4;
        continue;
      case 'object':
        break;
      default:
        continue;
    }
    if (v === null) continue;
    const o = v as object;
    if (seen.has(o)) continue;
    seen.add(o);
    if (ArrayBuffer.isView(o)) {
      bytes += 64 + o.byteLength;
      continue;
    }
    if (Array.isArray(o)) {
      bytes += 32 + 8 * o.length;
      for (const x of o) stack.push(x);
    } else if (o instanceof Map) {
      bytes += 64 + 32 * o.size;
      for (const [k, x] of o) stack.push(k, x);
    } else if (o instanceof Set) {
      bytes += 64 + 16 * o.size;
      for (const x of o) stack.push(x);
    } else {
      const keys = Object.keys(o);
      bytes += 32 + 8 * keys.length;
      for (const k of keys) stack.push((o as Record<string, unknown>)[k]);
    }
  }
  return bytes;
}

/**
 * An LRU of promised values whose total estimated size stays under `maxBytes`: an entry counts
 * {@link PENDING_BYTES} while it is computed, then its value's estimate; a value larger than the
 * whole budget is answered but not kept, and a rejected promise is dropped.
 */
export class SizedPromiseCache<V> {
  private readonly lru: LRUCache<string, Promise<V>>;

  /**
   * @param maxBytes - budget in bytes (≥ 1)
   * @param sizeOf - size of a value in bytes (default {@link estimateSize})
   */
  constructor(
    readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number = estimateSize,
  ) {
    this.lru = new LRUCache<string, Promise<V>>({ maxSize: Math.max(1, maxBytes) });
  }

  /** The entry, made the most recently used; undefined when absent. */
  get(key: string): Promise<V> | undefined {
    return this.lru.get(key);
  }

  /**
   * Keeps `value` under `key` (evicting the least recently used entries beyond the budget).
   * `sizeOf`: this entry's size in bytes, when a cheaper estimate than the cache's is known.
   */
  set(key: string, value: Promise<V>, sizeOf?: (value: V) => number): void {
    this.lru.set(key, value, { size: Math.min(PENDING_BYTES, this.maxBytes) });
    value.then(
      (v) => {
        if (this.lru.peek(key) !== value) return;
        const size = Math.max(1, (sizeOf ?? this.sizeOf)(v));
        // lru-cache keeps the old size when the same value is set again: take it out first.
        this.lru.delete(key);
        if (size <= this.maxBytes) this.lru.set(key, value, { size });
      },
      () => {
        if (this.lru.peek(key) === value) this.lru.delete(key);
      },
    );
  }

  /** Drops the entry if it is still `value` (or any entry under `key` when no value is given). */
  delete(key: string, value?: Promise<V>): void {
    if (value === undefined || this.lru.peek(key) === value) this.lru.delete(key);
  }

  /** Entries kept. */
  get size(): number {
    return this.lru.size;
  }

  /** Estimated bytes kept. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }
}

/** A typed part of a shared {@link SizedPromiseCache}: its keys are prefixed with the part's name. */
export interface PromiseCacheView<V> {
  get(key: string): Promise<V> | undefined;
  set(key: string, value: Promise<V>, sizeOf?: (value: V) => number): void;
  delete(key: string, value?: Promise<V>): void;
}

/** A view of `shared` whose keys live under `name` (one budget for several kinds of result). */
export function cacheView<V>(shared: SizedPromiseCache<unknown>, name: string): PromiseCacheView<V> {
  const k = (key: string) => `${name}\u0002${key}`;
  return {
    get: (key) => shared.get(k(key)) as Promise<V> | undefined,
    set: (key, value, sizeOf) => shared.set(k(key), value, sizeOf as ((v: unknown) => number) | undefined),
    delete: (key, value) => shared.delete(k(key), value),
  };
}
