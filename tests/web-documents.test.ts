// Documents on the web pages, in Debian's Chromium on a phone (390 px): a ministry reports
// progress with a file, finds it on the task page and downloads the same bytes; a file that is not
// what its name says is refused beside its field before anything is recorded; the secretariat
// attaches a document to a proposal and exports the agreement PDF from the register.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderStore } from '../engine/documents';
import { checkAccessibility, describeViolations, launchBrowser, screenshot, serve, signedInPage } from './browser';
import { pdf, png } from './documents-fixtures';
import { adoptWith, startMesa, type Mesa } from './harness';

let mesa: Mesa;
let browser: Browser;
let base: string;
let folder: string;
let taskId: string;
let proposalId: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mesa-documentos-web-'));
  mesa = await startMesa({ app: { documents: { store: folderStore(folder), maxBytes: 1024 * 1024, scanCommand: null } } });
  taskId = (await adoptWith(mesa, [{ title: 'Guía para retornantes', responsible: ['MTPE'], dueIn: 'P60D', deliverable: 'Guía publicada' }]))[0]!;
  proposalId = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}`)).body.proposalId;
  expect((await mesa.call('MTPE', 'POST', `/api/v1/tasks/${taskId}/accept`, {})).status).toBe(200);
  base = await serve(mesa);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await mesa?.close();
  await rm(folder, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The page fits a 390 px screen and passes axe. */
async function fitsAndPasses(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, width: (globalThis as any).innerWidth as number }));
  expect(scroll, `${page.url()} is ${scroll} px wide on a ${width} px screen`).toBeLessThanOrEqual(width);
  expect(describeViolations(await checkAccessibility(page))).toEqual([]);
}

describe('documents on a phone', () => {
  let context: BrowserContext;
  let page: Page;
  const as = async (code: string) => {
    ({ context, page } = await signedInPage(browser, base, code, { width: 390, height: 844 }, context));
  };
  afterAll(async () => { await context?.close(); });

  it('a ministry reports progress with a file, and downloads the same bytes from the task page', async () => {
    await as('MTPE');
    await page.goto(`/tareas/${taskId}`);
    await fitsAndPasses(page);
    const form = page.getByRole('heading', { name: 'Informar avance', exact: true }).locator('xpath=ancestor::section[1]');

    // A PNG named .pdf: refused beside the field, and no progress recorded.
    await form.getByLabel('Porcentaje (0–100)').fill('30');
    await form.getByLabel('Nota').fill('Primer borrador.');
    await form.getByLabel('Documento (opcional)').setInputFiles({ name: 'borrador.pdf', mimeType: 'application/pdf', buffer: png() });
    await form.getByRole('button', { name: 'Informar avance' }).click();
    await page.waitForURL(/formulario=/);
    await page.getByText('El campo «Documento (opcional)» no corresponde a su nombre', { exact: false }).first().waitFor();
    expect(await page.locator('#f-avance-archivo').getAttribute('aria-invalid')).toBe('true');
    expect((await mesa.call('MTPE', 'GET', `/api/v1/tasks/${taskId}`)).body.progress).toEqual([]);
    await fitsAndPasses(page);
    await screenshot(page, 'telefono-ministerio-avance-documento-rechazado');

    // The real report, with its PDF.
    const sent = pdf('Informe de avance del MTPE');
    const again = page.getByRole('heading', { name: 'Informar avance', exact: true }).locator('xpath=ancestor::section[1]');
    await again.getByLabel('Porcentaje (0–100)').fill('40');
    await again.getByLabel('Nota').fill('Borrador listo.');
    await again.getByLabel('Documento (opcional)').setInputFiles({ name: 'Informe de avance.pdf', mimeType: 'application/pdf', buffer: Buffer.from(sent) });
    await again.getByRole('button', { name: 'Informar avance' }).click();
    await page.waitForURL(/hecho=avance/);
    const documents = page.getByRole('heading', { name: 'Documentos', exact: true }).locator('xpath=ancestor::section[1]');
    const link = documents.getByRole('link', { name: 'Informe de avance.pdf' });
    await link.waitFor();
    await fitsAndPasses(page);
    await screenshot(page, 'telefono-ministerio-avance-documento');

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('Informe de avance.pdf');
    expect(sha256(await readFile((await download.path())!))).toBe(sha256(sent));
    const listed = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}/attachments`)).body.items;
    expect(listed).toEqual([expect.objectContaining({ object: 'avance', filename: 'Informe de avance.pdf', sha256: sha256(sent), institution: 'MTPE' })]);
    expect((await mesa.call('SECRETARIA', 'GET', `${listed[0].url}/downloads`)).body.items).toEqual([expect.objectContaining({ institution: 'MTPE' })]);
    expect((await mesa.call('MTPE', 'GET', `/api/v1/tasks/${taskId}`)).body.progress).toEqual([expect.objectContaining({ percent: 40, note: 'Borrador listo.' })]);
  }, 120_000);

  it('the secretariat attaches a document to the proposal and exports the agreement PDF, in English too', async () => {
    await as('SECRETARIA');
    await page.goto(`/propuestas/${proposalId}`);
    const form = page.getByRole('heading', { name: 'Adjuntar documento', exact: true }).locator('xpath=ancestor::form[1]');
    await form.getByLabel('Documento', { exact: true }).setInputFiles({ name: 'Informe legal.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf('Informe legal')) });
    await form.getByRole('button', { name: 'Adjuntar', exact: true }).click();
    await page.waitForURL(/hecho=documento/);
    await page.getByRole('link', { name: 'Informe legal.pdf' }).waitFor();
    await fitsAndPasses(page);
    await screenshot(page, 'telefono-secretaria-propuesta-documentos');

    await page.goto('/acuerdos');
    await fitsAndPasses(page);
    const number = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${proposalId}`)).body.number as string;
    const pdfLink = page.getByRole('link', { name: `Acuerdo en PDF ${number}` });
    const answer = await page.request.get(await pdfLink.getAttribute('href') as string);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    expect((await answer.body()).subarray(0, 5).toString()).toBe('%PDF-');

    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForLoadState();
    await page.goto(`/propuestas/${proposalId}`);
    await page.getByRole('heading', { name: 'Documents', exact: true }).waitFor();
    await page.getByRole('link', { name: `Agreement as PDF ${number}` }).waitFor();
    await fitsAndPasses(page);
  }, 120_000);
});
