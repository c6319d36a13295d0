/**
 * Shared by the e2e global setup, teardown and tests: paths, Chromium launch, state, and signing
 * in (through the sign-in page, or over GraphQL for set-up work).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Screenshots and artefacts of the run (git-ignored). */
export const RESULTS = path.join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The built server the tests start (MEDTHREAT_E2E_SERVER: another build, e.g. a private outDir). */
export const SERVER_MAIN = path.resolve(ROOT, process.env.MEDTHREAT_E2E_SERVER ?? 'server/dist/main.js');
/** Password of the first admin account 'admin' (MEDTHREAT_ADMIN_PASSWORD of the server under test). */
export const E2E_ADMIN_PASSWORD = process.env.MEDTHREAT_E2E_ADMIN_PASSWORD ?? 'e2e-admin-Passw0rd-long';
export const E2E_ADMIN = 'admin';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface E2EState {
  server: ChildProcess;
  startedNeo4j: boolean;
  /** The local Neo4j instance name (NEO4J_E2E_INSTANCE or 'e2e'). */
  instance: string;
}

const KEY = '__MEDTHREAT_E2E__';

export function setState(state: E2EState | undefined): void {
  (globalThis as Record<string, unknown>)[KEY] = state;
}

export function getState(): E2EState | undefined {
  return (globalThis as Record<string, unknown>)[KEY] as E2EState | undefined;
}

/** Base URL of the app under test (set by global setup). */
export function appUrl(): string {
  const url = process.env.MEDTHREAT_E2E_URL;
  if (!url)
    throw new Error(
      'MEDTHREAT_E2E_URL is not set: run the e2e tests through jest (its global setup starts the server)',
    );
  return url;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Saves a screenshot of the current state to test-results/e2e/<name>.png and returns its path. */
export async function snapshot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** A GraphQL request to the server under test; `token`: a session token or API key. Throws on errors. */
export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  token?: string | null,
): Promise<T> {
  const res = await fetch(`${appUrl()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

/** Signs in over GraphQL and returns the session token. */
export async function apiLogin(username: string, password: string): Promise<string> {
  const r = await gql<{ login: { token: string } }>(
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
    { u: username, p: password },
  );
  return r.login.token;
}

let adminSession: Promise<string> | null = null;

/** A session token of the first admin (one sign-in per test file). */
export function adminToken(): Promise<string> {
  adminSession ??= apiLogin(E2E_ADMIN, E2E_ADMIN_PASSWORD);
  return adminSession;
}

/** Creates a local account as the admin (over GraphQL) and returns its id. */
export async function createAccount(
  username: string,
  password: string,
  role: 'VIEWER' | 'EDITOR' | 'ADMIN',
  modelIds: string[] | null = null,
): Promise<string> {
  const r = await gql<{ createUser: { id: string } }>(
    'mutation($i: UserInput!) { createUser(input: $i) { id } }',
    { i: { username, password, role, modelIds } },
    await adminToken(),
  );
  return r.createUser.id;
}

/**
 * Signs in through the sign-in page. Starts at `path` (the app sends an anonymous visitor to
 * /login?next=path) and resolves once the app is back on `path`, signed in.
 */
export async function signIn(page: Page, username: string, password: string, path = '/'): Promise<void> {
  await page.goto(`${appUrl()}${path}`);
  const form = page.getByTestId('login-form');
  await form.waitFor();
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-menu').waitFor();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * Waits until the JavaScript expression `expression` is truthy in the page, polling every 100 ms
 * up to `timeoutMs` (ms). Unlike page.waitForFunction with a string, it evaluates through the
 * DevTools protocol each time, so it works under the app's Content-Security-Policy (no eval).
 */
export async function waitUntil(page: Page, expression: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
