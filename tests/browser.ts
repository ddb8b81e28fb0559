// Browser helpers for the web tests: Debian's Chromium driven by playwright-core (no browser
// download, ever), axe-core for accessibility, and screenshots kept with the test results.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Result } from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { demoEmail } from '../runtime/demo';
import { demoPassword, type Mesa } from './harness';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    // No sandbox: CI runs as root. The rest keeps Chromium from reaching the network on its own.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** The harness's app on a free local port; returns its base URL. Closed by `mesa.close()`. */
export function serve(mesa: Mesa): Promise<string> {
  return mesa.app.listen({ port: 0, host: '127.0.0.1' });
}

/** Logs in through the login form as the demo user of that institution and waits for the home page. */
export async function loginAs(page: Page, base: string, code: string): Promise<void> {
  await signIn(page, base, demoEmail(code), demoPassword);
}

/** Logs in through the login form with this email and password and waits for the home page. */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/entrar`);
  await page.getByLabel('Correo electrónico', { exact: true }).fill(email);
  await page.getByLabel('Contraseña', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
  await page.waitForURL(`${base}/`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical axe-core violations of the page as it stands. */
export async function checkAccessibility(page: Page): Promise<Result[]> {
  // Evaluated through DevTools rather than page.addScriptTag: the pages' Content-Security-Policy
  // (no script at all) refuses an inline script tag, and it should stay in force while testing.
  await page.evaluate(axeSource);
  // The callback runs in the page, where axe is a global; the project compiles without DOM types.
  const violations = await page.evaluate(async () => (await (globalThis as any).axe.run()).violations as Result[]);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation: rule, impact, help and the nodes it was found on, for a person to act on. */
export function describeViolations(violations: Result[]): string[] {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

const screenshotsDir = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

/** A full-page PNG in test-results/screenshots/<name>.png, for a person to look at after the run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: `${screenshotsDir}${name}.png`, fullPage: true });
}

/**
 * A new browser context (the previous one closed) on this screen, in Spanish and Lima's time,
 * signed in as the demo user of that institution.
 */
export async function signedInPage(browser: Browser, base: string, code: string, viewport: { width: number; height: number }, previous?: BrowserContext): Promise<{ context: BrowserContext; page: Page }> {
  await previous?.close();
  const context = await browser.newContext({ baseURL: base, locale: 'es-PE', timezoneId: 'America/Lima', viewport, acceptDownloads: true });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await loginAs(page, base, code);
  return { context, page };
}

/** The page as it stands fits its width (no horizontal scroll), axe finds nothing serious, and its screenshot is kept. */
export async function expectFitsAndAccessible(page: Page, name: string): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, width: (globalThis as any).innerWidth as number }));
  expect(scroll, `horizontal scroll on ${page.url()}`).toBeLessThanOrEqual(width);
  expect(describeViolations(await checkAccessibility(page)), `axe on ${page.url()}`).toEqual([]);
  await screenshot(page, name);
}
