/**
 * Search primitives over a {@link GraphIndex}: multi-source Dijkstra from the entry points (the
 * virtual super-source), BFS reachability, and entry→target pair counting. `disabled[s] = 1`
 * removes step s (blocked steps, or steps a what-if placement blocks).
 */
import { EngineLimitError } from '../../domain/errors';
import type { GraphIndex } from '../graph-index';
import { MinHeap } from './heap';

/** Throws EngineLimitError('timeLimitMs') once the deadline (performance.now() ms) has passed. */
export class Deadline {
  private counter = 0;
  constructor(
    private readonly limitMs: number,
    private readonly at = performance.now() + limitMs,
  ) {}

  /** Cheap: looks at the clock every 1024 calls. */
  tick(): void {
    if ((++this.counter & 1023) === 0) this.check();
  }

  check(): void {
    if (performance.now() > this.at) {
      throw new EngineLimitError(
        `attack path search exceeded its time limit of ${this.limitMs} ms; narrow it (minSeverity, targetIds, smaller k) or raise timeLimitMs`,
        'timeLimitMs',
        this.limitMs,
      );
    }
  }
}

/** Result of {@link shortestFromEntries}. */
export interface ShortestTree {
  /** Σ −ln(likelihood) of the most likely path from any entry point; Infinity if unreachable. */
  dist: Float64Array;
  /** Last step of that path, −1 at entry points and unreachable nodes. */
  parentStep: Int32Array;
}

/**
 * Most likely paths from the super-source (all entry points, weight 0) to every node: Dijkstra
 * on −ln(likelihood) with a binary heap.
 */
export function shortestFromEntries(index: GraphIndex, disabled: Uint8Array, deadline?: Deadline): ShortestTree {
  const { n, outStart, outSteps, stepTo, weight } = index;
  const dist = new Float64Array(n).fill(Infinity);
  const parentStep = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  const heap = new MinHeap(Math.min(n + 16, 1 << 16));
  for (const e of index.entries) {
    dist[e] = 0;
    heap.push(0, e);
  }
  while (heap.size > 0) {
    const d = heap.peekKey();
    const v = heap.pop();
    if (done[v]) continue;
    done[v] = 1;
    deadline?.tick();
    for (let k = outStart[v]!; k < outStart[v + 1]!; k++) {
      const s = outSteps[k]!;
      if (disabled[s]) continue;
      const u = stepTo[s]!;
      const nd = d + weight[s]!;
      if (nd < dist[u]!) {
        dist[u] = nd;
        parentStep[u] = s;
        heap.push(nd, u);
      }
    }
  }
  return { dist, parentStep };
}

/** Nodes reachable from `sources` through enabled steps (BFS). 1 = reachable. */
export function reachableFrom(index: GraphIndex, sources: ArrayLike<number>, disabled: Uint8Array): Uint8Array {
  const { n, outStart, outSteps, stepTo } = index;
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < sources.length; i++) {
    const src = sources[i]!;
    if (!seen[src]) {
      seen[src] = 1;
      queue[tail++] = src;
    }
  }
  while (head < tail) {
    const v = queue[head++]!;
    for (let k = outStart[v]!; k < outStart[v + 1]!; k++) {
      const s = outSteps[k]!;
      if (disabled[s]) continue;
      const u = stepTo[s]!;
      if (!seen[u]) {
        seen[u] = 1;
        queue[tail++] = u;
      }
    }
  }
  return seen;
}

/** Which entry points reach each node: `words` 32-bit words per node, bit i = index.entries[i]. */
export interface EntryReach {
  words: number;
  bits: Uint32Array;
}

/**
 * Propagates bitsets of entry points along enabled steps until nothing changes (one word per 32
 * entry points): bit i of node v is set when entries[i] reaches v.
 */
export function entryReach(index: GraphIndex, disabled: Uint8Array, deadline?: Deadline): EntryReach {
  const { n, outStart, outSteps, stepTo, entries } = index;
  const E = entries.length;
  const words = Math.max(1, (E + 31) >>> 5);
  const bits = new Uint32Array(n * words);
  const inQueue = new Uint8Array(n);
  let queue: number[] = [];
  for (let i = 0; i < E; i++) {
    const e = entries[i]!;
    bits[e * words + (i >>> 5)]! |= 1 << (i & 31);
    if (!inQueue[e]) {
      inQueue[e] = 1;
      queue.push(e);
    }
  }
  while (queue.length > 0) {
    const next: number[] = [];
    for (const v of queue) {
      inQueue[v] = 0;
      deadline?.tick();
      const base = v * words;
      for (let k = outStart[v]!; k < outStart[v + 1]!; k++) {
        const s = outSteps[k]!;
        if (disabled[s]) continue;
        const u = stepTo[s]!;
        const ub = u * words;
        let changed = false;
        for (let w = 0; w < words; w++) {
          const merged = bits[ub + w]! | bits[base + w]!;
          if (merged !== bits[ub + w]) {
            bits[ub + w] = merged;
            changed = true;
          }
        }
        if (changed && !inQueue[u]) {
          inQueue[u] = 1;
          next.push(u);
        }
      }
    }
    queue = next;
  }
  return { words, bits };
}

/** Number of (entry point, target) pairs in `targets` with a path between them. */
export function countEntryTargetPairs(reach: EntryReach, targets: ArrayLike<number>): number {
  const { words, bits } = reach;
  let pairs = 0;
  for (let i = 0; i < targets.length; i++) {
    const base = targets[i]! * words;
    for (let w = 0; w < words; w++) {
      let x = bits[base + w]!;
      while (x) {
        x &= x - 1;
        pairs++;
      }
    }
  }
  return pairs;
}
