// The five kinds of user at their daily work in Debian's Chromium, on a desktop (1280 px) and on a
// phone (390 px): every page they open fits the screen (no horizontal scroll), passes axe, and is
// kept as a screenshot (test-results/screenshots/) for a person to look at.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, describeViolations, launchBrowser, screenshot, serve, signedInPage } from './browser';
import { adoptWith, eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
let base: string;
let browser: Browser;
/** The proposals, task and request every role's pages show. */
const fixture = { round: '', consultation: '', agreement: '', task: '' };

beforeAll(async () => {
  mesa = await startMesa();
  base = await serve(mesa);
  browser = await launchBrowser();
  // A round of 22 under way, with long comments; a consultation on its second version with an
  // input; an agreement whose task has a pending request for reassignment.
  fixture.round = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({
    title: 'Lineamientos para la atención intersectorial de peruanos retornantes en situación de vulnerabilidad', stages: ['conformidad'],
  }))).body.id;
  await Promise.all(memberCodes.slice(0, 8).map((code, i) => mesa.call(code, 'POST', `/api/v1/proposals/${fixture.round}/signoffs`,
    i % 3 === 0 ? { position: 'aprueba_con_observaciones', comment: 'Precisar el plazo de implementación en los puestos de control fronterizo del sur.' } : { position: 'aprueba' })));
  fixture.consultation = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title: 'Guía de orientación a familias retornantes', stages: ['consulta', 'conformidad'] }))).body.id;
  await eventually(async () => (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${fixture.consultation}`)).body.consultationOpen || undefined);
  await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${fixture.consultation}/versions`, {
    text: '1. La Superintendencia Nacional de Migraciones habilita dos módulos.\n\n2. RREE informa a los consulados y a las familias.\n\n3. El SIS afilia a los retornantes.',
    changeSummary: 'Dos módulos; las familias; afiliación al SIS.',
  });
  await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${fixture.consultation}/inputs`, { kind: 'cambio', paragraph: 2, text: 'Incluir a las familias que aún están en el exterior.' });
  fixture.task = (await adoptWith(mesa, [
    { title: 'Módulo de atención a retornantes en el aeropuerto Jorge Chávez', responsible: ['MIGRACIONES', 'SUNAT'], dueIn: 'P90D', deliverable: 'Módulo operativo con personal capacitado' },
  ], { title: 'Protocolo de atención a retornantes en aeropuertos' }))[0]!;
  fixture.agreement = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${fixture.task}`)).body.proposalId;
  // A task just assigned may still be registering (409): asked again until it is recorded.
  await eventually(async () => (await mesa.call('SUNAT', 'POST', `/api/v1/tasks/${fixture.task}/reassignment-request`,
    { reason: 'La atención en aeropuertos corresponde a Migraciones y al MTPE.' }, { 'idempotency-key': 'solicitud-sunat' })).status === 200 || undefined);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await mesa?.close();
});

const viewports = [['escritorio', { width: 1280, height: 900 }], ['telefono', { width: 390, height: 844 }]] as const;

/** Opens the page, checks it fits the screen and passes axe, and keeps its screenshot. */
async function look(page: Page, url: string, name: string) {
  await page.goto(url);
  await page.waitForLoadState();
  const { scroll, width } = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, width: (globalThis as any).innerWidth as number }));
  expect(scroll, `${url} is ${scroll} px wide on a ${width} px screen`).toBeLessThanOrEqual(width);
  const violations = await checkAccessibility(page);
  expect(describeViolations(violations), `axe on ${url}`).toEqual([]);
  await screenshot(page, name);
}

describe.each(viewports)('daily work on a %s', (device, viewport) => {
  let context: BrowserContext;
  let page: Page;
  const as = async (code: string) => {
    ({ context, page } = await signedInPage(browser, base, code, viewport, context));
  };
  afterAll(async () => { await context?.close(); });

  it('the secretariat follows the Mesa, decides a request and launches a proposal', async () => {
    await as('SECRETARIA');
    await look(page, '/', `${device}-secretaria-inicio`);
    await look(page, '/propuestas', `${device}-secretaria-propuestas`);
    await look(page, `/propuestas/${fixture.round}`, `${device}-secretaria-ronda`);
    await look(page, `/propuestas/${fixture.agreement}`, `${device}-secretaria-acuerdo`);
    await look(page, '/informes', `${device}-secretaria-informes`);
    await look(page, '/acuerdos', `${device}-secretaria-acuerdos`);
    await page.getByRole('row').filter({ hasText: 'Protocolo de atención a retornantes en aeropuertos' }).getByRole('link', { name: /Módulo de atención/ }).waitFor();
    // Printed (CSS print): the register and a proposal without menus or forms.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation').isVisible()).toBe(false);
    await screenshot(page, `${device}-secretaria-acuerdos-impresion`);
    await page.goto(`/propuestas/${fixture.round}`);
    expect(await page.locator('form').first().isVisible()).toBe(false);
    await screenshot(page, `${device}-secretaria-ronda-impresion`);
    await page.emulateMedia({ media: 'screen' });
    await look(page, '/ajustes', `${device}-secretaria-ajustes`);
    await look(page, `/tareas/${fixture.task}`, `${device}-secretaria-tarea-solicitud`);
    const decision = page.getByRole('heading', { name: 'Decidir la solicitud', exact: true }).locator('xpath=ancestor::section[1]');
    await decision.getByText('La atención en aeropuertos corresponde a Migraciones y al MTPE.').waitFor();
    await decision.getByText('Solicitada por').waitFor();

    // Every mistake of the launch form at once, and the address bar back on the form's page.
    await look(page, '/propuestas/nueva', `${device}-secretaria-nueva`);
    const submit = page.getByRole('button', { name: 'Lanzar propuesta', exact: true });
    await submit.evaluate((button: any) => { button.form.noValidate = true; });
    await page.getByLabel('Nombre de la acción').first().fill('Módulo de atención');
    await submit.click();
    await page.waitForURL(/\/propuestas\/nueva\?formulario=/);
    const alert = page.getByRole('alert');
    for (const message of ['Complete «Título».', 'Complete «Resumen».', 'Complete «Texto».', 'Elija al menos una opción en «Objetivos de la PNM».', 'Complete «Entregable».']) {
      await alert.getByText(message, { exact: true }).waitFor();
    }
    await screenshot(page, `${device}-secretaria-nueva-errores`);
    expect(describeViolations(await checkAccessibility(page))).toEqual([]);
  }, 120_000);

  it('a ministry signs off, and sees its institution\'s tasks', async () => {
    await as('MINSA');
    await look(page, '/', `${device}-ministerio-inicio`);
    await look(page, `/propuestas/${fixture.round}`, `${device}-ministerio-ronda`);
    await look(page, '/tareas?todas=1', `${device}-ministerio-tareas`);
    await look(page, '/bandeja', `${device}-ministerio-bandeja`);
    await look(page, '/ajustes', `${device}-ministerio-ajustes`);
  }, 120_000);

  it('a ministry that asked for a reassignment sees its request pending', async () => {
    await as('SUNAT');
    await look(page, `/tareas/${fixture.task}`, `${device}-ministerio-tarea-solicitud`);
    await page.getByRole('heading', { name: 'Su solicitud, pendiente de decisión', exact: true }).waitFor();
  }, 120_000);

  it('a civil-society organization reads the consultation and the comparison of versions', async () => {
    await as('AFAMIPER');
    await look(page, '/', `${device}-osc-inicio`);
    await look(page, `/propuestas/${fixture.consultation}`, `${device}-osc-consulta`);
    await page.locator('table.compare').waitFor();
  }, 120_000);

  it('an observer and a support body follow what they are shown', async () => {
    await as('DEFENSORIA');
    await look(page, '/', `${device}-observador-inicio`);
    await look(page, `/propuestas/${fixture.round}`, `${device}-observador-ronda`);
    await as('OIM');
    await look(page, '/', `${device}-apoyo-inicio`);
    await look(page, `/propuestas/${fixture.consultation}`, `${device}-apoyo-consulta`);
  }, 120_000);
});
