import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium for the dashboard's browser tests: Debian's package (`.ci/run` installs
 * it), driven by playwright-core, and the dashboard bundle those tests load.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const SOURCES = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/dashboard/app.js', import.meta.url));

/**
 * Fails at once when Chromium is missing (a browser suite is never skipped), and builds the
 * dashboard when `vitest run` comes without `npm run build`, or after its sources changed.
 */
export function prepareDashboard(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: install Debian's package (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  const built = existsSync(BUNDLE) ? statSync(BUNDLE).mtimeMs : 0;
  const newest = Math.max(...readdirSync(SOURCES).map((name) => statSync(`${SOURCES}${name}`).mtimeMs));
  if (built < newest) execFileSync(process.execPath, [`${SOURCES}build.mjs`], { stdio: 'inherit' });
}

/** A headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** A full-page screenshot in `test-artifacts/<name>.png`, for a person to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const path = fileURLToPath(new URL(`../../../../test-artifacts/${name}.png`, import.meta.url));
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}
