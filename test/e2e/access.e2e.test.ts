/**
 * Sign-in, roles and the admin pages end to end (issue #5), in Debian's Chromium against the
 * built server with authentication on. Each person has their own browser context (own
 * sessionStorage): the admin, a viewer the admin creates on the Users page, and an editor limited
 * to this file's own model (a copy of the demo hospital, so the workshop test's model is left alone).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  E2E_ADMIN,
  E2E_ADMIN_PASSWORD,
  adminToken,
  apiLogin,
  appUrl,
  createAccount,
  gql,
  launchBrowser,
  signIn,
  snapshot,
  waitUntil,
} from './support';

jest.setTimeout(120_000);

const RUN = Date.now().toString(36);
const SESSION_KEY = 'medthreat:session'; // web/src/api/session.ts
const MODEL = `e2e-access-${RUN}`;
const MODEL_NAME = `E2E access hospital ${RUN}`;
const VIEWER = `viewer-${RUN}`;
const VIEWER_PASSWORD = 'viewer-Passw0rd-long';
const EDITOR = `editor-${RUN}`;
const EDITOR_PASSWORD = 'editor-Passw0rd-long';

let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

/** A fresh browser context (its own sessionStorage) and page. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

/** Clicks a map node by id where Cytoscape draws it. */
async function clickNode(page: Page, id: string): Promise<void> {
  await waitUntil(
    page,
    `(() => { const m = document.querySelector('[data-testid=threat-graph]'); return m && m.dataset.layout && m.dataset.layout !== 'none'; })()`,
    60_000,
  );
  const box = (await page.getByTestId('threat-graph').boundingBox())!;
  const pos = (await page.evaluate(
    `(() => { const cy = document.querySelector('[data-testid=threat-graph]').cy; cy.center(cy.$id('${id}')); return cy.$id('${id}').renderedPosition(); })()`,
  )) as { x: number; y: number };
  await page.mouse.click(box.x + pos.x, box.y + pos.y);
}

let admin: Page;

beforeAll(async () => {
  const token = await adminToken();
  const { exportModel } = await gql<{ exportModel: unknown }>(
    'query($id: ID!) { exportModel(id: $id) }',
    { id: 'demo-hospital' },
    token,
  );
  await gql(
    'mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }',
    { d: exportModel, t: MODEL },
    token,
  );
  await gql(
    'mutation($id: ID!, $n: String) { updateModel(id: $id, name: $n) { id } }',
    { id: MODEL, n: MODEL_NAME },
    token,
  );
  await createAccount(EDITOR, EDITOR_PASSWORD, 'EDITOR', [MODEL]);
  browser = await launchBrowser();
  admin = await newPage();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await gql('mutation($id: ID!) { deleteModel(id: $id) }', { id: MODEL }, await adminToken()).catch(() => undefined);
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

test('a wrong password shows an error; signing in returns to the page asked for', async () => {
  const page = await newPage();
  await page.goto(`${appUrl()}/models/demo-hospital`);
  await page.waitForURL(/\/login\?next=%2Fmodels%2Fdemo-hospital$/);
  const form = page.getByTestId('login-form');
  await form.getByLabel('Username').fill(E2E_ADMIN);
  await form.getByLabel('Password').fill('not-the-password-123');
  await form.getByRole('button', { name: 'Sign in' }).click();
  await form.getByRole('alert').getByText('Wrong username or password.').waitFor();
  expect(page.url()).not.toContain('not-the-password');
  await expect(form.getByLabel('Password').inputValue()).resolves.toBe('');
  await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);
  await snapshot(page, 'access-01-wrong-password');

  await form.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-menu').waitFor();
  expect(new URL(page.url()).pathname).toBe('/models/demo-hospital');
  await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe(E2E_ADMIN);
  await expect(page.getByTestId('user-menu').textContent()).resolves.toContain('Admin');
  // The token is kept for this tab only: sessionStorage, never localStorage.
  await expect(page.evaluate("Boolean(sessionStorage.getItem('medthreat:session'))")).resolves.toBe(true);
  await expect(page.evaluate('Object.keys(localStorage).some((k) => /session|token/i.test(k))')).resolves.toBe(false);
});

test('the admin creates a viewer limited to one model on the Users page', async () => {
  await signIn(admin, E2E_ADMIN, E2E_ADMIN_PASSWORD);
  await admin.getByTestId('user-menu').click();
  await admin.getByRole('link', { name: 'Users' }).click();
  await admin.getByTestId('user-list').waitFor();
  await admin.getByTestId('new-user').click();
  const form = admin.getByTestId('new-user-form');
  await form.getByLabel('Username').fill(VIEWER);
  await form.getByLabel('Display name').fill('E2E committee member');
  await form.getByLabel('Initial password').fill(VIEWER_PASSWORD);
  await form.getByLabel('Role').selectOption('VIEWER');
  await form.getByLabel('Only these models').check();
  await form.getByRole('checkbox', { name: new RegExp(MODEL_NAME) }).check();
  await form.getByRole('button', { name: 'Create user' }).click();
  const row = admin.locator(`tr[data-user="${VIEWER}"]`);
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain('Viewer');
  await expect(row.textContent()).resolves.toContain(MODEL_NAME);
  await snapshot(admin, 'access-02-users');
});

let viewer: Page;

test('a viewer sees no create, edit, delete, import or accept controls and cannot reach the admin pages', async () => {
  viewer = await newPage();
  await signIn(viewer, VIEWER, VIEWER_PASSWORD);
  await expect(viewer.getByTestId('user-menu').textContent()).resolves.toContain('Viewer');
  // Only the model in the viewer's scope is listed; nothing to create or import.
  const list = viewer.getByTestId('model-list');
  await list.waitFor();
  await expect(list.getByRole('link').allTextContents()).resolves.toEqual([MODEL_NAME]);
  await expect(viewer.getByRole('form', { name: 'New model' }).count()).resolves.toBe(0);
  await expect(viewer.getByRole('button', { name: /Import/ }).count()).resolves.toBe(0);

  await list.getByRole('link', { name: MODEL_NAME }).click();
  await viewer.getByTestId('paths-summary').waitFor();
  await expect(viewer.getByTestId('add-element').count()).resolves.toBe(0);
  await expect(viewer.getByTestId('draw-channel').count()).resolves.toBe(0);
  await expect(viewer.getByRole('button', { name: /Import/ }).count()).resolves.toBe(0);
  // Reading, exporting and the report remain.
  await expect(viewer.getByRole('button', { name: 'Export model' }).isVisible()).resolves.toBe(true);
  await expect(viewer.getByTestId('open-report').isVisible()).resolves.toBe(true);
  await expect(viewer.getByTestId('export-png').isVisible()).resolves.toBe(true);

  await clickNode(viewer, 'dev-icu-pump-01');
  const inspector = viewer.getByTestId('inspector');
  await inspector.getByRole('heading').first().waitFor();
  await expect(inspector.getByRole('button', { name: 'Assume compromised' }).isVisible()).resolves.toBe(true);
  await expect(inspector.getByRole('button', { name: /^Edit$|^Delete/ }).count()).resolves.toBe(0);
  await expect(inspector.getByRole('button', { name: /^\+ / }).count()).resolves.toBe(0);

  await viewer.getByRole('tab', { name: 'Recommendations' }).click();
  await viewer.getByTestId('apply-all').waitFor();
  await expect(viewer.getByTestId('accept-recommendation').count()).resolves.toBe(0);
  // Versions: readable, but no snapshot to take.
  await viewer.getByRole('tab', { name: 'Versions' }).click();
  await viewer.getByTestId('versions-panel').waitFor();
  await expect(viewer.getByTestId('snapshot-form').count()).resolves.toBe(0);
  await viewer.getByRole('tab', { name: 'Recommendations' }).click();
  await snapshot(viewer, 'access-03-viewer-workspace');

  // No admin entries in the menu, and the admin pages refuse.
  await viewer.getByTestId('user-menu').click();
  await expect(viewer.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
  await viewer.goto(`${appUrl()}/admin/users`);
  await viewer.getByTestId('not-allowed').waitFor();
  await expect(viewer.getByTestId('user-list').count()).resolves.toBe(0);
  await viewer.goto(`${appUrl()}/admin/audit`);
  await viewer.getByTestId('not-allowed').waitFor();

  // The server enforces the same, whatever the page shows.
  const token = (await viewer.evaluate("JSON.parse(sessionStorage.getItem('medthreat:session')).token")) as string;
  await expect(
    gql(
      'mutation($m: ID!) { createZone(modelId: $m, input: { name: "x", kind: OTHER, entryPoint: false }) { id } }',
      { m: MODEL },
      token,
    ),
  ).rejects.toThrow(/FORBIDDEN/);
});

test('when the session is revoked the viewer returns to the sign-in page, keeping the route', async () => {
  await viewer.goto(`${appUrl()}/models/${MODEL}/report`);
  await viewer.getByTestId('report').waitFor();
  // The admin disables the account on the Users page: its sessions end at once.
  await admin.goto(`${appUrl()}/admin/users`);
  const row = admin.locator(`tr[data-user="${VIEWER}"]`);
  await row.getByRole('button', { name: 'Disable' }).click();
  await row.getByText('Disabled').waitFor();

  await viewer.reload();
  await viewer.getByTestId('login-form').waitFor();
  expect(decodeURIComponent(new URL(viewer.url()).search)).toBe(`?next=/models/${MODEL}/report`);
  await viewer
    .getByTestId('login-notice')
    .getByText(/session has ended/)
    .waitFor();

  await row.getByRole('button', { name: 'Enable' }).click();
  await row.getByText('Enabled').waitFor();
});

test('the admin creates an API key and sees its secret once', async () => {
  await admin.goto(`${appUrl()}/admin/api-keys`);
  await admin.getByTestId('new-api-key').click();
  const form = admin.getByTestId('new-api-key-form');
  const name = `E2E SIEM export ${RUN}`;
  await form.getByLabel('What it is for').fill(name);
  await form.getByLabel('Role').selectOption('VIEWER');
  await form.getByRole('button', { name: 'Create API key' }).click();

  const created = admin.getByTestId('api-key-created');
  await created.getByText('it will not be shown again').waitFor();
  const secret = await admin.getByTestId('api-key-secret').inputValue();
  expect(secret).toMatch(/^mtk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  await admin.getByTestId('copy-api-key').click();
  await created.getByRole('status').waitFor();
  await snapshot(admin, 'access-04-api-key-created');

  // The key works as a bearer credential with its role.
  const me = await gql<{ me: { kind: string; role: string } }>('{ me { kind role } }', {}, secret);
  expect(me.me).toEqual({ kind: 'API_KEY', role: 'VIEWER' });

  // After a reload the list shows the key by its prefix, never the secret.
  await admin.reload();
  const row = admin.locator(`tr[data-api-key="${name}"]`);
  await row.waitFor();
  await expect(admin.getByTestId('api-key-created').count()).resolves.toBe(0);
  await expect(row.textContent()).resolves.toContain(secret.slice(0, 'mtk_'.length + 16));
  await expect(admin.content()).resolves.not.toContain(secret.slice('mtk_'.length + 17));

  // Revoke, after confirming: the key is refused at once.
  await row.getByRole('button', { name: 'Revoke…' }).click();
  await row.getByRole('button', { name: 'Revoke key' }).click();
  await row.getByText(/^Revoked/).waitFor();
  await expect(gql('{ me { kind } }', {}, secret)).rejects.toThrow(/UNAUTHENTICATED|revoked/);
});

test('the audit trail shows the change an editor just made', async () => {
  const editor = await newPage();
  await signIn(editor, EDITOR, EDITOR_PASSWORD, `/models/${MODEL}`);
  await expect(editor.getByTestId('user-menu').textContent()).resolves.toContain('Editor');
  await editor.getByTestId('add-element').selectOption('ZONE');
  const form = editor.getByTestId('zone-form');
  await form.getByLabel('Name').fill(`E2E audit zone ${RUN}`);
  await form.getByLabel('Kind').selectOption('GUEST_WIFI');
  await form.getByRole('button', { name: 'Create zone' }).click();
  await editor
    .getByTestId('inspector')
    .getByRole('heading', { name: `E2E audit zone ${RUN}` })
    .waitFor();
  // Editors have no admin pages.
  await editor.goto(`${appUrl()}/admin/audit`);
  await editor.getByTestId('not-allowed').waitFor();

  await admin.goto(`${appUrl()}/admin/audit`);
  await admin.getByTestId('audit-list').waitFor();
  await admin.getByLabel('Model', { exact: true }).selectOption(MODEL);
  const first = admin.getByTestId('audit-list').locator('tbody tr[data-audit-action]').first();
  await waitUntil(
    admin,
    `document.querySelector('[data-testid=audit-list] tbody tr[data-audit-action]')?.dataset.auditAction === 'createZone'`,
    30_000,
  );
  await expect(first.textContent()).resolves.toContain(EDITOR);
  await first.getByRole('button', { name: /Show the changes of createZone/ }).click();
  const change = admin.getByTestId('audit-change').first();
  await change.waitFor();
  await expect(change.textContent()).resolves.toMatch(/created/);
  await expect(change.locator('pre').first().textContent()).resolves.toContain(`E2E audit zone ${RUN}`);
  await snapshot(admin, 'access-05-audit');

  // Filter by actor too: only the editor's events remain.
  await admin.getByLabel('Who', { exact: true }).selectOption({ label: `${EDITOR} (user)` });
  await waitUntil(
    admin,
    `[...document.querySelectorAll('[data-testid=audit-list] tbody tr[data-audit-action]')].length === 1`,
    30_000,
  );
});

test('an editor takes a snapshot, changes the model and sees the difference', async () => {
  const page = await newPage();
  await signIn(page, EDITOR, EDITOR_PASSWORD, `/models/${MODEL}`);
  await page.getByRole('tab', { name: 'Versions' }).click();
  const panel = page.getByTestId('versions-panel');
  const version = Number(await panel.getByTestId('current-version').textContent());
  const form = panel.getByTestId('snapshot-form');
  await form.getByLabel('Snapshot name').fill(`Review ${RUN}`);
  await form.getByLabel('Note').fill('Before the guest Wi-Fi change');
  await form.getByRole('button', { name: 'Take snapshot' }).click();
  const item = panel.locator(`[data-snapshot="Review ${RUN}"]`);
  await item.waitFor();
  await expect(item.textContent()).resolves.toContain(`version ${version}`);

  // A change after the snapshot (over the API, as the same editor).
  const token = (await page.evaluate("JSON.parse(sessionStorage.getItem('medthreat:session')).token")) as string;
  await gql(
    'mutation($m: ID!) { createZone(modelId: $m, input: { name: "E2E versions zone", kind: GUEST_WIFI, entryPoint: true }) { id } }',
    { m: MODEL },
    token,
  );
  await item.getByRole('button', { name: 'Compare with current' }).click();
  const diff = page.getByTestId('model-diff');
  await diff.waitFor({ timeout: 60_000 });
  await expect(page.getByTestId('diff-summary').textContent()).resolves.toMatch(
    new RegExp(
      `snapshot “Review ${RUN}” \\(version ${version}\\) to the current model \\(version ${version + 1}\\): 1 element change`,
    ),
  );
  await expect(diff.getByTestId('diff-zone').textContent()).resolves.toContain('E2E versions zone');
  await expect(diff.getByTestId('diff-risk').textContent()).resolves.toMatch(/Total risk/);
  await snapshot(page, 'access-06-versions-diff');
});

test('an editor replaces the model with an empty file: the confirmation says it is kept, and the Versions tab has it', async () => {
  const page = await newPage();
  await signIn(page, EDITOR, EDITOR_PASSWORD, `/models/${MODEL}`);
  await page.getByRole('tab', { name: 'Versions' }).click();
  const panel = page.getByTestId('versions-panel');
  const version = Number(await panel.getByTestId('current-version').textContent());
  const empty = {
    formatVersion: '1.0',
    model: { id: MODEL, name: MODEL_NAME },
    zones: [],
    devices: [],
    interfaces: [],
    channels: [],
    assets: [],
    vulnerabilities: [],
    controlPlacements: [],
  };
  await page.getByTestId('import-file').setInputFiles({
    name: 'empty.medthreat.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(empty)),
  });
  const confirm = page.getByRole('alertdialog', { name: 'Model exists' });
  await confirm.waitFor();
  await expect(confirm.getByTestId('replace-keeps').textContent()).resolves.toMatch(
    /Nothing is lost: the model as it is now is kept as an automatic snapshot.*Versions tab/s,
  );
  await snapshot(page, 'access-07-replace-confirm');
  await confirm.getByRole('button', { name: 'Replace it' }).click();
  await confirm.waitFor({ state: 'detached' });
  await page.getByRole('tab', { name: 'Versions' }).click();
  const kept = panel.locator('[data-snapshot-kind="AUTOMATIC"]');
  await kept.waitFor({ timeout: 30_000 });
  await expect(kept.textContent()).resolves.toMatch(
    new RegExp(`auto: before import replace at .* by ${EDITOR}.*version ${version}.*kept by an import`),
  );
  // an editor cannot delete what an import replaced (the server refuses too: ADMIN only)
  await expect(kept.getByRole('button', { name: 'Delete…' }).count()).resolves.toBe(0);
  await expect(panel.getByTestId('current-version').textContent()).resolves.toBe(String(version + 1));
  // the replaced version is still a revision: compare it with the (empty) current model
  await kept.getByRole('button', { name: 'Compare with current' }).click();
  await page.getByTestId('model-diff').waitFor({ timeout: 60_000 });
  await expect(page.getByTestId('diff-summary').textContent()).resolves.toMatch(
    new RegExp(`\\(version ${version}\\) to the current model \\(version ${version + 1}\\)`),
  );
  await snapshot(page, 'access-08-replace-kept');
});

test('an editor changes their own password and stays signed in', async () => {
  const page = await newPage();
  await signIn(page, EDITOR, EDITOR_PASSWORD, '/account');
  const form = page.getByTestId('change-password-form');
  await form.getByLabel('Current password').fill('wrong-Passw0rd-long');
  await form.getByLabel('New password').first().fill('editor-New-Passw0rd');
  await form.getByLabel('New password again').fill('editor-New-Passw0rd');
  await form.getByRole('button', { name: 'Change password' }).click();
  await form.getByText('The current password is wrong').waitFor();
  await expect(page.getByTestId('user-menu').isVisible()).resolves.toBe(true);

  await form.getByLabel('Current password').fill(EDITOR_PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await form.getByText('Password changed').waitFor();
  await page.goto(`${appUrl()}/`);
  await page.getByTestId('model-list').waitFor();
  await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe(EDITOR);

  // Sign out: back to the sign-in page, the tab holds no session any more, and the server refuses
  // the token it held (revoked, not merely forgotten by the browser).
  const stored = JSON.parse(String(await page.evaluate(`sessionStorage.getItem('${SESSION_KEY}')`))) as {
    token: string;
  };
  await expect(gql('{ me { kind } }', {}, stored.token)).resolves.toEqual({ me: { kind: 'USER' } });
  await page.getByTestId('user-menu').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByTestId('login-form').waitFor();
  await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);
  await expect(gql('{ me { kind } }', {}, stored.token)).rejects.toThrow(/UNAUTHENTICATED/);
});

test('"sign out everywhere" on the account page ends the sessions of other browsers too', async () => {
  const other = await apiLogin(EDITOR, 'editor-New-Passw0rd'); // another device's session
  const page = await newPage();
  await signIn(page, EDITOR, 'editor-New-Passw0rd', '/account');
  await page.getByTestId('sign-out-everywhere').click();
  await page.getByTestId('login-form').waitFor();
  await page.getByText('You have signed out on every device.').waitFor();
  await expect(gql('{ me { kind } }', {}, other)).rejects.toThrow(/UNAUTHENTICATED/);
});
