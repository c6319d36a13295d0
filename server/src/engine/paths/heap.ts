/**
 * Binary min-heap of (key, node) pairs in typed arrays. Ties on the key are broken by the
 * smaller node index, so searches are deterministic. Lazy deletion: callers skip stale entries.
 */
export class MinHeap {
  private keys: Float64Array;
  private vals: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.vals = new Int32Array(Math.max(16, capacity));
  }

  clear(): void {
    this.size = 0;
  }

  /** Key of the minimum; Infinity when empty. */
  peekKey(): number {
    return this.size > 0 ? this.keys[0]! : Infinity;
  }

  push(key: number, val: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const vals = new Int32Array(this.vals.length * 2);
      vals.set(this.vals);
      this.vals = vals;
    }
    const keys = this.keys;
    const vals = this.vals;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p]!;
      if (pk < key || (pk === key && vals[p]! <= val)) break;
      keys[i] = pk;
      vals[i] = vals[p]!;
      i = p;
    }
    keys[i] = key;
    vals[i] = val;
  }

  /** Removes the minimum and returns its node; its key was {@link peekKey} before the call. */
  pop(): number {
    const keys = this.keys;
    const vals = this.vals;
    const top = vals[0]!;
    const n = --this.size;
    if (n > 0) {
      const key = keys[n]!;
      const val = vals[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (keys[r]! < keys[c]! || (keys[r] === keys[c] && vals[r]! < vals[c]!))) c = r;
        const ck = keys[c]!;
        if (key < ck || (key === ck && val <= vals[c]!)) break;
        keys[i] = ck;
        vals[i] = vals[c]!;
        i = c;
      }
      keys[i] = key;
      vals[i] = val;
    }
    return top;
  }
}
