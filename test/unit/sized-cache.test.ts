/**
 * Size-bounded caches (issue 11 point 5): entries count by an estimate of their bytes, not by
 * number; the least recently used leave first; a value larger than the budget is not kept.
 */
import { cacheView, estimateSize, SizedPromiseCache } from '../../server/src/services/sized-cache';

const settle = () => new Promise((r) => setImmediate(r));

describe('estimateSize', () => {
  it('grows with the data and counts shared objects and cycles once', () => {
    const small = { a: 'x'.repeat(10) };
    const big = { a: 'x'.repeat(100_000) };
    expect(estimateSize(big)).toBeGreaterThan(200_000);
    expect(estimateSize(big)).toBeGreaterThan(estimateSize(small) * 1000);
    const shared = { s: 'y'.repeat(10_000) };
    const twice = [shared, shared];
    expect(estimateSize(twice)).toBeLessThan(estimateSize([shared, { s: 'y'.repeat(10_000) }]));
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    expect(estimateSize(cyclic)).toBeGreaterThan(0);
    expect(estimateSize(new Float64Array(1000))).toBeGreaterThanOrEqual(8000);
    expect(estimateSize(new Map([['k', 'v'.repeat(500)]]))).toBeGreaterThan(1000);
  });
});

describe('SizedPromiseCache', () => {
  it('keeps the total estimated size under the budget, evicting the least recently used', async () => {
    const cache = new SizedPromiseCache<string>(100_000);
    const value = (n: number) => Promise.resolve('z'.repeat(n));
    cache.set('a', value(20_000)); // ~40 kB
    cache.set('b', value(20_000));
    await settle();
    expect(cache.size).toBe(2);
    void cache.get('a'); // a is now the most recently used
    cache.set('c', value(20_000));
    await settle();
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('answers but does not keep a value larger than the whole budget, and drops failures', async () => {
    const cache = new SizedPromiseCache<string>(10_000);
    const huge = Promise.resolve('h'.repeat(50_000));
    cache.set('huge', huge);
    await expect(huge).resolves.toHaveLength(50_000);
    await settle();
    expect(cache.get('huge')).toBeUndefined();
    const failing = Promise.reject(new Error('solver failed'));
    cache.set('bad', failing);
    await expect(failing).rejects.toThrow('solver failed');
    await settle();
    expect(cache.get('bad')).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('a hundred varied requests on a large result stay within the budget (the fromElementIds probe)', async () => {
    const budget = 5_000_000;
    const cache = new SizedPromiseCache<unknown>(budget);
    const view = cacheView<unknown>(cache, 'paths');
    // Each answer: ~1 MB of paths, as a 5,000-device model's attackPaths with a new start set.
    const answer = () =>
      Promise.resolve({ paths: Array.from({ length: 2000 }, (_, i) => ({ id: `path-${i}`, steps: 'x'.repeat(200) })) });
    for (let i = 0; i < 100; i++) {
      view.set(`from-${i}`, answer());
      await settle();
      expect(cache.bytes).toBeLessThanOrEqual(budget);
    }
    expect(cache.size).toBeLessThan(10);
    expect(view.get('from-99')).toBeDefined();
    expect(view.get('from-0')).toBeUndefined();
  });
});
