/**
 * The evidence import page (/models/:modelId/imports) end to end, in Debian's Chromium driven by
 * playwright-core against the built server and web app (global-setup.ts): on a copy of the demo
 * hospital an admin picks the CSAF format and the team-written advisory test/samples/csaf/
 * demo-advisory.ts, reads the server's preview (eight devices, two CVEs, C06 suggestions), writes
 * it with the preview's model version, and the model page shows eight more CVEs; a commit after
 * someone else changed the model is refused (CONFLICT: reload); an MDS2 workbook (written by
 * test/support/mds2-workbooks.ts) applied to one device shows its answers on the attack path steps
 * that depend on them; a VIEWER reads the preview but is not offered the write.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  E2E_ADMIN,
  E2E_ADMIN_PASSWORD,
  RESULTS,
  adminToken,
  appUrl,
  createAccount,
  gql as gqlAs,
  launchBrowser,
  signIn,
  snapshot,
  waitUntil,
} from './support';
import { demoAdvisory } from '../samples/csaf/demo-advisory';
import { headedWorkbook } from '../support/mds2-workbooks';

jest.setTimeout(120_000);

const RUN = Date.now().toString(36);
const MODEL = `e2e-import-${RUN}`;
const VIEWER = `import-viewer-${RUN}`;
const VIEWER_PASSWORD = 'import-viewer-Passw0rd-long';
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return gqlAs<T>(query, variables, await adminToken());
}

interface ModelState {
  model: { version: number; counts: { vulnerabilities: number } };
  exportModel: { vulnerabilities: { cveId: string; elementId: string; source?: { kind: string; document: string } }[] };
}
const modelState = () =>
  gql<ModelState>('query($id: ID!) { model(id: $id) { version counts { vulnerabilities } } exportModel(id: $id) }', {
    id: MODEL,
  });

/** The advisory as the file the user picks. */
const advisoryFile = () => ({
  name: 'test-icsma-31-001.json',
  mimeType: 'application/json',
  buffer: Buffer.from(JSON.stringify(demoAdvisory())),
});

/** Opens the import page of the copy, picks CSAF and the advisory, and waits for the preview. */
async function previewAdvisory(p: Page): Promise<void> {
  await p.getByTestId('import-form').waitFor();
  await p.getByTestId('import-format').selectOption('csaf');
  await p.getByTestId('import-file').setInputFiles(advisoryFile());
  await p.getByRole('button', { name: 'Preview' }).click();
  await p.getByTestId('import-preview').waitFor({ timeout: 60_000 });
}

beforeAll(async () => {
  const demo = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'));
  await gql('mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }', {
    d: demo,
    t: MODEL,
  });
  await createAccount(VIEWER, VIEWER_PASSWORD, 'VIEWER', [MODEL]);
  fs.mkdirSync(RESULTS, { recursive: true });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await gql('mutation($id: ID!) { deleteModel(id: $id) }', { id: MODEL }).catch(() => undefined);
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

test('an editor previews a CSAF advisory, writes it with the model version, and the model shows the CVEs', async () => {
  const before = await modelState();
  expect(before.exportModel.vulnerabilities.some((v) => v.cveId === 'CVE-2031-1001')).toBe(false);

  await signIn(page, E2E_ADMIN, E2E_ADMIN_PASSWORD, `/models/${MODEL}`);
  await page.getByTestId('open-evidence-import').click();
  await page.waitForURL((u) => u.pathname === `/models/${MODEL}/imports`);
  await previewAdvisory(page);

  // The preview: five Alaris pumps and three CARESCAPE B650 monitors match exactly; two CVEs to add.
  const preview = page.getByTestId('import-preview');
  await expect(preview.locator('h2').textContent()).resolves.toContain('TEST-ICSMA-31-001');
  await expect(page.getByTestId('import-matched-count').textContent()).resolves.toBe('8');
  const rows = page.getByTestId('import-vulnerabilities').locator('tbody tr');
  expect(await rows.count()).toBe(8);
  const table = (await page.getByTestId('import-vulnerabilities').textContent()) ?? '';
  expect(table).toMatch(/ADD\s*CVE-2031-1001/);
  expect(table).toMatch(/CVE-2031-1002/);
  await expect(page.getByTestId('import-controls').textContent()).resolves.toMatch(/C06 on /);
  // Nothing written by the preview.
  expect((await modelState()).model.version).toBe(before.model.version);
  await snapshot(page, 'import-01-csaf-preview');

  const commit = page.getByTestId('import-commit');
  await expect(commit.textContent()).resolves.toContain(`version ${before.model.version}`);
  await commit.click();
  const done = page.getByTestId('import-committed');
  await done.waitFor({ timeout: 60_000 });
  await expect(done.textContent()).resolves.toMatch(/vulnerabilities written: 8/);

  // Written, with the advisory as the source of each vulnerability.
  const after = await modelState();
  expect(after.model.version).toBeGreaterThan(before.model.version);
  const imported = after.exportModel.vulnerabilities.filter((v) => /^CVE-2031-100[12]$/.test(v.cveId));
  expect(imported).toHaveLength(8);
  expect(imported.every((v) => v.source?.kind === 'CSAF' && v.source.document === 'TEST-ICSMA-31-001')).toBe(true);
  await expect(done.textContent()).resolves.toContain(`version ${after.model.version}`);
  await snapshot(page, 'import-02-csaf-written');

  // The model page counts them.
  await done.getByRole('link', { name: 'Open the model' }).click();
  await page.waitForURL((u) => u.pathname === `/models/${MODEL}`);
  await waitUntil(
    page,
    `(document.querySelector('.model-title .meta')?.textContent ?? '').includes('${before.model.counts.vulnerabilities + 8} CVEs')`,
  );
  expect(after.model.counts.vulnerabilities).toBe(before.model.counts.vulnerabilities + 8);
});

test('a write after someone else changed the model is refused with CONFLICT and nothing is written', async () => {
  await page.goto(`${appUrl()}/models/${MODEL}/imports`);
  await previewAdvisory(page);
  const before = await modelState();
  // Someone else changes the model between the preview and the write.
  await gql('mutation($id: ID!) { updateModel(id: $id, description: "changed elsewhere") { id } }', { id: MODEL });
  const moved = await modelState();
  expect(moved.model.version).toBe(before.model.version + 1);

  await page.getByTestId('import-commit').click();
  const error = page.getByTestId('import-error');
  await error.waitFor({ timeout: 60_000 });
  await expect(error.textContent()).resolves.toMatch(/changed by someone else.*Reload the model/);
  expect((await modelState()).model.version).toBe(moved.model.version);
  // Previewing again reads the current version.
  await page.getByTestId('import-preview-again').click();
  await waitUntil(
    page,
    `(document.querySelector('[data-testid=import-commit]')?.textContent ?? '').includes('version ${moved.model.version}')`,
  );
});

test('an MDS2 workbook applied to one device: its answers show as evidence on the attack path steps', async () => {
  const device = 'dev-icu-pump-01';
  await page.goto(`${appUrl()}/models/${MODEL}/imports`);
  await page.getByTestId('import-form').waitFor();
  await page.getByTestId('import-format').selectOption('mds2');
  await page.getByTestId('import-mds2-target').selectOption('device');
  await page.getByTestId('import-device').selectOption(device);
  await page.getByTestId('import-file').setInputFiles({
    name: 'alaris-mds2.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: await headedWorkbook([
      ['DOC-1', 'BD'],
      ['DOC-3', 'Alaris 8015 PC unit with 8100 LVP module'],
      ['CONN-1.1.1', 'Yes', '802.11 a/b/g/n'],
      ['MLDP-1', 'No'],
    ]),
  });
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByTestId('import-preview').waitFor({ timeout: 60_000 });
  // Only the chosen pump; the already modelled Wi-Fi interface is confirmed, the answers recorded as evidence.
  const card = page.getByTestId(`mds2-device-${device}`);
  await expect(page.locator('[data-testid^=mds2-device-]').count()).resolves.toBe(1);
  await expect(card.textContent()).resolves.toMatch(/evidence entries recorded on the device — .*MLDP-1 No/);
  await page.getByTestId('import-commit').click();
  await page.getByTestId('import-committed').waitFor({ timeout: 60_000 });

  // The device's evidence names the facts; a path through the pump lists the answer on its step.
  const exported = (
    await gql<{ exportModel: { devices: { id: string; evidence?: { fact?: string }[] }[] } }>(
      'query($id: ID!) { exportModel(id: $id) }',
      { id: MODEL },
    )
  ).exportModel;
  const facts = exported.devices.find((d) => d.id === device)!.evidence!.map((e) => e.fact);
  expect(facts).toEqual(expect.arrayContaining(['executesSoftware', 'generalPurposeOs']));
  expect(facts.some((f) => f?.startsWith('interface:'))).toBe(true);
  type Step = { evidence: { property: string; value: string }[] };
  const paths = await gql<{ model: { attackPaths: { paths: { id: string; steps: Step[] }[] } } }>(
    'query($id: ID!) { model(id: $id) { attackPaths(k: 3, minSeverity: NEGLIGIBLE) { paths { id steps { evidence { property value } } } } } }',
    { id: MODEL },
  );
  const line = `generalPurposeOs of ${device}: MDS2 alaris-mds2.xlsx (MLDP-1): generalPurposeOs = false: MLDP-1 No`;
  const sourced = paths.model.attackPaths.paths.find((p) =>
    p.steps.some((s) => s.evidence.some((e) => e.property === 'flagSource' && e.value === line)),
  );
  expect(sourced).toBeDefined();

  await page.goto(`${appUrl()}/models/${MODEL}`);
  const row = page.locator(`tr[data-path-id="${sourced!.id}"]`);
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  const view = page.getByTestId('attack-path-view');
  await view.waitFor();
  const shown = await view.getByTestId('step-evidence-source').allTextContents();
  expect(shown).toContain(`Flag source: ${line}`);
  await view.getByTestId('step-evidence-source').filter({ hasText: 'Flag source' }).first().scrollIntoViewIfNeeded();
  await snapshot(page, 'import-03-mds2-step-evidence');
});

test('a viewer reads the preview but is not offered the write', async () => {
  const viewerContext = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  const viewer = await viewerContext.newPage();
  viewer.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await signIn(viewer, VIEWER, VIEWER_PASSWORD, `/models/${MODEL}/imports`);
    await previewAdvisory(viewer);
    await expect(viewer.getByTestId('import-matched-count').textContent()).resolves.toBe('8');
    await viewer.getByTestId('import-viewer-note').waitFor();
    expect(await viewer.getByTestId('import-commit').count()).toBe(0);
  } finally {
    await viewerContext.close();
  }
});
