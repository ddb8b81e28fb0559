// The secretariat prepares a proposal in Debian's Chromium, on a desktop (1280 px) and on a phone
// (390 px): saves an incomplete draft, completes it, previews it, launches it, and corrects a
// detail of the launched proposal. Every page fits the screen, passes axe, and is kept as a screenshot.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, describeViolations, launchBrowser, loginAs, screenshot, serve } from './browser';
import { startMesa, type Mesa } from './harness';

let mesa: Mesa;
let base: string;
let browser: Browser;
beforeAll(async () => {
  [mesa, browser] = await Promise.all([startMesa(), launchBrowser()]);
  base = await serve(mesa);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await mesa?.close();
});

async function fits(page: Page, name: string) {
  await page.waitForLoadState();
  const { scroll, width } = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, width: (globalThis as any).innerWidth as number }));
  expect(scroll, `${page.url()} is ${scroll} px wide on a ${width} px screen`).toBeLessThanOrEqual(width);
  expect(describeViolations(await checkAccessibility(page)), `axe on ${page.url()}`).toEqual([]);
  await screenshot(page, name);
}

describe.each([['escritorio', { width: 1280, height: 900 }], ['telefono', { width: 390, height: 844 }]] as const)('a draft on a %s', (device, viewport) => {
  it('is saved incomplete, edited, previewed with its dates, launched, and the proposal\'s title corrected', async () => {
    const context = await browser.newContext({ baseURL: base, locale: 'es-PE', timezoneId: 'America/Lima', viewport });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await loginAs(page, base, 'SECRETARIA');
    const title = `Protocolo de retorno (${device})`;

    await page.goto('/propuestas/nueva');
    await page.getByLabel('Título').fill(`${title} con errata`);
    await page.getByRole('group', { name: 'Objetivos de la PNM' }).getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Guardar borrador', exact: true }).click();
    await page.waitForURL(/\/propuestas\/borradores\/draft_[0-9a-f]+\?hecho=borrador_guardado/);
    await page.getByText('Borrador guardado.').waitFor();
    await fits(page, `${device}-borrador-guardado`);

    // Completed on its own page; the preview shows the proposal as it would be, with its dates.
    await page.getByLabel('Resumen').fill('Atención coordinada desde la llegada.');
    await page.getByLabel('Texto').fill('1. Migraciones habilita un módulo.\n\n2. RREE informa a los consulados.');
    await page.getByRole('group', { name: 'Poblaciones' }).getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Vista previa', exact: true }).click();
    await page.waitForURL(/\/vista-previa$/);
    await page.getByRole('heading', { name: `${title} con errata`, level: 1 }).waitFor();
    await page.getByText('Migraciones habilita un módulo.').waitFor();
    await page.getByRole('cell', { name: /\d{4}/ }).first().waitFor();
    expect(await page.getByText('Antes de lanzar, complete o corrija').count()).toBe(0);
    await fits(page, `${device}-borrador-vista-previa`);

    await page.getByRole('button', { name: 'Lanzar propuesta', exact: true }).click();
    await page.waitForURL(/\/propuestas\/prop_[0-9a-f]+\?hecho=lanzada/);
    await page.getByText('Propuesta lanzada.').waitFor();
    const proposalUrl = page.url().split('?')[0]!;
    const draftsAfter = (await mesa.call('SECRETARIA', 'GET', '/api/v1/proposal-drafts?status=lanzado')).body.items;
    expect(draftsAfter.filter((d: { title: string }) => d.title === `${title} con errata`)).toHaveLength(1);

    // The title corrected on the proposal page, with its reason; shown before and after.
    await page.getByLabel('Título').fill(title);
    await page.getByLabel('Motivo de la corrección').fill('El título llevaba una errata.');
    await page.getByRole('button', { name: 'Corregir datos', exact: true }).click();
    await page.waitForURL(/hecho=datos_corregidos/);
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    const corrections = page.getByRole('heading', { name: 'Datos corregidos', exact: true }).locator('xpath=ancestor::section[1]');
    await corrections.getByText('El título llevaba una errata.').waitFor();
    await corrections.getByText(`${title} con errata`).waitFor();
    await page.getByRole('cell', { name: 'Datos corregidos: título' }).waitFor();
    await fits(page, `${device}-propuesta-corregida`);
    expect(page.url().split('?')[0]).toBe(proposalUrl);
    await context.close();
  }, 180_000);
});
