/** Shared by the e2e global setup, teardown and tests: paths, Chromium launch, state. */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Screenshots and artefacts of the run (git-ignored). */
export const RESULTS = path.join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
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
