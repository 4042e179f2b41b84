import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (or `CHROMIUM_PATH`). Playwright never downloads a browser: `playwright-core` drives this one. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const INSTALL_HINT =
  'Install it with `apt-get update && apt-get install -y chromium` (as root; CI does this in .ci/run).';

/**
 * `describe` for a suite that needs Chromium. On a developer's machine without it the suite is skipped with a
 * warning saying how to install it, so `npm test` still needs nothing installed by hand; in CI (`CI` set) it
 * runs and fails, because CI installs Chromium.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH) || process.env['CI']) {
    describe(name, body);
    return;
  }
  console.warn(`Skipping "${name}": Chromium is not installed at ${CHROMIUM_PATH}. ${INSTALL_HINT}`);
  describe.skip(name, body);
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile in a temp directory; fails (never skips) when Chromium is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; the browser suites need it. ${INSTALL_HINT}`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'e2e-chromium-'));
  try {
    // launchPersistentContext is how Playwright takes a profile directory (it refuses --user-data-dir in args).
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    return {
      context,
      close: async () => {
        try {
          await context.close();
        } finally {
          await rm(userDataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
