/**
 * Delivery and configuration of the advisory webhook, without a database (found by a review
 * trying to break it; each test failed on the first version, 06976bd): credentials in the URL,
 * redirects, failure causes in the log, bounded waits.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../server/src/config';
import { NewPathsWebhook, type NewPathsEvent } from '../../server/src/services/new-paths-webhook';

const BASE = { NEO4J_URI: 'bolt://127.0.0.1:7687' };

const EVENT: NewPathsEvent = {
  event: 'new-attack-paths',
  schemaVersion: 1,
  deliveryId: '00000000-0000-4000-8000-000000000000',
  occurredAt: '2031-03-01T00:00:00.000Z',
  modelId: 'm',
  modelVersion: 2,
  source: 'CSAF X (x.json, sha256 00)',
  minSeverity: 'SERIOUS',
  targetIds: [],
  newlyReachableTargetIds: [],
  riskBefore: 0,
  riskAfter: 1,
  paths: [],
  truncated: false,
  cut: { status: 'OPTIMAL', totalCost: 0, placements: [] },
};

function capture() {
  const lines: { fields: object; message: string }[] = [];
  const log = {
    info: (fields: object, message: string) => lines.push({ fields, message }),
    warn: (fields: object, message: string) => lines.push({ fields, message }),
  };
  return { lines, log: log as unknown as ConstructorParameters<typeof NewPathsWebhook>[1] };
}

async function server(handler: http.RequestListener): Promise<{ base: string; close: () => Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    close: () => new Promise((r) => s.close(() => r())),
  };
}

describe('webhook URL with credentials (https://user:password@host/...)', () => {
  it('is refused by the configuration, since fetch can never send to it', () => {
    // on 06976bd: accepted; every delivery then fails with "Request cannot be constructed from a
    // URL that includes credentials: <the URL, password included>"
    expect(() =>
      loadConfig({ ...BASE, MEDTHREAT_WEBHOOK_URL: 'https://ops:hunter2-hunter2@tickets.example/hooks/medthreat' }),
    ).toThrow(/MEDTHREAT_WEBHOOK_URL/);
  });

  it('never reaches the log with its password', async () => {
    const { lines, log } = capture();
    const hook = new NewPathsWebhook(
      {
        url: 'http://ops:hunter2-hunter2@127.0.0.1:9/hooks',
        minSeverity: 'SERIOUS',
        timeoutMs: 1000,
        attempts: 1,
        backoffMs: 1,
      },
      log,
    );
    const result = await hook.deliver(EVENT);
    expect(result.delivered).toBe(false);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});

describe('delivery failures an operator must be able to diagnose', () => {
  it('a redirect is final (not retried as a network error) and the log says it was a redirect', async () => {
    let hits = 0;
    const s = await server((_req, res) => {
      hits++;
      res.statusCode = 301;
      res.setHeader('location', '/elsewhere');
      res.end();
    });
    try {
      const { lines, log } = capture();
      const hook = new NewPathsWebhook(
        { url: `${s.base}/hooks`, minSeverity: 'SERIOUS', timeoutMs: 1000, attempts: 3, backoffMs: 1 },
        log,
      );
      const result = await hook.deliver(EVENT);
      // on 06976bd: { attempts: 3, error: 'fetch failed' } and three POSTs
      expect(hits).toBe(1);
      expect(result).toMatchObject({ delivered: false, attempts: 1 });
      expect(JSON.stringify(lines)).toMatch(/redirect|301/i);
    } finally {
      await s.close();
    }
  });

  it('a refused connection is logged with its cause, not only "fetch failed"', async () => {
    const s = await server(() => undefined);
    const base = s.base;
    await s.close(); // nothing listens there any more
    const { lines, log } = capture();
    const hook = new NewPathsWebhook(
      { url: `${base}/hooks`, minSeverity: 'SERIOUS', timeoutMs: 1000, attempts: 1, backoffMs: 1 },
      log,
    );
    await hook.deliver(EVENT);
    expect(JSON.stringify(lines)).toMatch(/ECONNREFUSED/);
  });
});

describe('retry schedule', () => {
  it('never waits hours between two tries (MEDTHREAT_WEBHOOK_ATTEMPTS allows 10)', async () => {
    const config = loadConfig({
      ...BASE,
      MEDTHREAT_WEBHOOK_URL: 'https://x.example/h',
      MEDTHREAT_WEBHOOK_ATTEMPTS: '10',
    });
    const waits: number[] = [];
    const realSetTimeout = global.setTimeout;
    const fetchSpy = jest.spyOn(global, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    const timeoutSpy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      waits.push(ms ?? 0);
      return realSetTimeout(fn, 0);
    }) as typeof setTimeout);
    try {
      await new NewPathsWebhook({ ...config.webhook! }).deliver(EVENT);
    } finally {
      timeoutSpy.mockRestore();
      fetchSpy.mockRestore();
    }
    // on 06976bd: 1 s, 4 s, 16 s, … 65 536 s (18 h) before the 10th try, about 24 h in all, holding
    // the import's two model documents in memory and keeping settled() pending all that time
    expect(Math.max(...waits)).toBeLessThanOrEqual(5 * 60 * 1000);
  });
});
