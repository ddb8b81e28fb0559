// The web application in a real browser, on real Temporal and a real database: each role does
// its part through the pages, and the API confirms what was recorded.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkAccessibility, describeViolations, launchBrowser, loginAs, screenshot, serve } from './browser';
import { launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  mesa = await startMesa();
  base = await serve(mesa);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await mesa?.close();
});

// A context per test, so that no test inherits another's session or language cookie. The locale
// is a Peruvian browser's, as the Mesa's users have.
beforeEach(async () => {
  context = await browser.newContext({ baseURL: base, locale: 'es-PE', timezoneId: 'America/Lima' });
  // Shorter than the test's 60 s, so that a missing element fails with Playwright's own message.
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
});
afterEach(async () => { await context?.close(); });

const timeout = 60_000;
// The page of the new proposal, with the message that says it was launched.
const proposalUrl = /\/propuestas\/prop_[a-z0-9]+\?hecho=lanzada$/;

async function expectAccessible(target: Page) {
  const violations = await checkAccessibility(target);
  expect(describeViolations(violations), `axe on ${target.url()}`).toEqual([]);
}

/** The form (or the section holding it) that this heading introduces. */
const formUnder = (heading: string) =>
  page.getByRole('heading', { name: heading, exact: true }).locator('xpath=ancestor::*[self::form or .//form][1]');

/** The section holding the table that this heading introduces. */
const tableUnder = (heading: string) =>
  page.getByRole('heading', { name: heading, exact: true }).locator('xpath=ancestor::*[.//table][1]');

/** What a refused form says, for the message of an assertion that expected it to pass. */
const errorsOn = async (target: Page) =>
  (await target.locator('[role="alert"], [aria-invalid="true"]').evaluateAll((nodes: any[]) =>
    nodes.map((n) => n.getAttribute('aria-invalid') ? `${n.name}: invalid` : n.textContent.trim()))).join(' | ');

const statusMessage = (text: string): Locator => page.getByRole('status').filter({ hasText: text });

/** Launches through the API; each test's own title, so that links on shared pages are unambiguous. */
async function launch(title: string, stages: string[]): Promise<string> {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title, stages }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

const proposal = async (id: string) => (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body;

/** The secretariat fills in the launch form for a proposal straight into its round, launches it and lands on its page. */
async function launchThroughForm(title: string, tick: () => Promise<void> = async () => {}) {
  await loginAs(page, base, 'SECRETARIA');
  await page.goto('/propuestas/nueva');
  await page.getByLabel('Título', { exact: true }).fill(title);
  await page.getByLabel('Resumen', { exact: true }).fill('Atención coordinada desde el cruce de frontera.');
  await page.getByLabel('Texto', { exact: true }).fill('1. Primer párrafo.\n\n2. Segundo párrafo.');
  await page.getByRole('checkbox', { name: 'OE4' }).check();
  // Exact: the name of GT3, «Peruanos retornantes», may label a working-group checkbox too.
  await page.getByRole('checkbox', { name: 'Retornantes', exact: true }).check();
  await page.getByLabel('Grupo de trabajo líder', { exact: true }).selectOption('GT3');
  // Only the round: the stages before it are left out.
  await page.getByRole('checkbox', { name: 'Grupo de trabajo', exact: true }).uncheck();
  await page.getByRole('checkbox', { name: 'Consulta', exact: true }).uncheck();
  await page.getByRole('checkbox', { name: 'Conformidad', exact: true }).check();
  await tick();
  await page.getByRole('button', { name: 'Lanzar propuesta', exact: true }).click();

  await page.waitForLoadState();
  expect(page.url(), `the proposal's page (errors shown: ${(await errorsOn(page)) || 'none'})`).toMatch(proposalUrl);
  expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(title);
}

describe('the web application', () => {
  it('lets the secretariat launch a proposal through the form, landing on its page with the 22 members to sign off', async () => {
    const title = 'Ruta de atención a retornantes en los puestos de control fronterizo';
    await launchThroughForm(title);
    const rows = tableUnder('Conformidades').locator('tr');
    await rows.first().waitFor();
    const rowTexts = await rows.allTextContents();
    for (const code of memberCodes) expect(rowTexts.some((t) => t.includes(code)), `a row for ${code}`).toBe(true);
    await screenshot(page, 'propuesta');
    await expectAccessible(page);
  }, timeout);

  it('launches a proposal decided in session from the form: the page says so, and members get no sign-off form', async () => {
    const title = 'Ruta de atención a retornantes — se decide en sesión';
    await launchThroughForm(title, () => page.getByRole('checkbox', { name: 'Se decide en sesión plenaria', exact: true }).check());
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    expect((await proposal(id)).rules).toMatchObject({ decisionInSession: true });
    await expect.poll(async () => (await proposal(id)).stage, { timeout: 30_000, interval: 500 }).toBe('conformidad');
    await context.clearCookies();
    await loginAs(page, base, 'MINSA');
    await page.goto(`/propuestas/${id}`);
    expect(await page.getByText('Se decide en sesión plenaria', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Su conformidad', exact: true }).count()).toBe(0);
    await expectAccessible(page);
  }, timeout);

  it('shows a ministry what awaits it, and records its sign-off from the proposal page', async () => {
    const title = 'Protocolo de atención a retornantes en aeropuertos — conformidad de MINSA';
    const id = await launch(title, ['conformidad']);
    await loginAs(page, base, 'MINSA');
    // What awaits an institution reaches its inbox from the workflow, just after the launch. The
    // same title comes again among the recent notices below; the pending item is what follows
    // the heading.
    const link = page.getByRole('heading', { name: 'Lo que espera a su institución', exact: true })
      .locator('xpath=following-sibling::*[1]').getByRole('link', { name: title });
    await expect.poll(async () => (await link.count()) || (await page.reload(), 0), { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
    await screenshot(page, 'inicio-ministerio');
    await link.click();
    await page.waitForURL(`${base}/propuestas/${id}`);

    const form = formUnder('Su conformidad');
    await form.getByRole('radio', { name: 'Aprueba', exact: true }).check();
    await form.getByRole('button', { name: 'Registrar conformidad', exact: true }).click();
    await statusMessage('Conformidad registrada').waitFor();
    await tableUnder('Conformidades').locator('tr', { hasText: 'MINSA' }).filter({ hasText: 'Aprueba' }).first().waitFor();

    expect((await proposal(id)).signoffs).toContainEqual(expect.objectContaining({ institution: 'MINSA', position: 'aprueba' }));
  }, timeout);

  it('lets a civil-society organization send its input while the consultation is open', async () => {
    const id = await launch('Protocolo de atención a retornantes en aeropuertos — consulta', ['consulta', 'conformidad']);
    await loginAs(page, base, 'AFAMIPER');
    await page.goto(`/propuestas/${id}`);

    const form = formUnder('Enviar aporte');
    await form.getByLabel('Tipo de aporte', { exact: true }).selectOption({ label: 'Comentario' });
    await form.getByLabel('Aporte', { exact: true }).fill('Incluir a las familias de los retornantes en la atención.');
    await form.getByRole('button', { name: 'Enviar aporte', exact: true }).click();
    await statusMessage('Aporte enviado').waitFor();

    const { inputs } = await proposal(id);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ institution: 'AFAMIPER', kind: 'comentario' });
  }, timeout);

  it('gives an observer no sign-off button, and refuses a sign-off it crafts itself', async () => {
    const id = await launch('Protocolo de atención a retornantes en aeropuertos — observador', ['conformidad']);
    await loginAs(page, base, 'DEFENSORIA');
    await page.goto(`/propuestas/${id}`);
    // Observers may comment: the page is fully there, only the sign-off is missing.
    const comment = formUnder('Comentar');
    await comment.getByRole('button', { name: 'Comentar', exact: true }).waitFor();
    await comment.getByLabel('Comentario', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Registrar conformidad' }).count()).toBe(0);

    // A valid session token: the refusal must come from the role, not from the CSRF check.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const crafted = await page.request.post(`/propuestas/${id}/conformidad`, { form: { _csrf: csrf, position: 'aprueba' } });
    expect(crafted.status()).toBe(403);
    expect(await crafted.text()).toContain('Solo las instituciones miembro');
    const forged = await page.request.post(`/propuestas/${id}/conformidad`, { form: { _csrf: `${csrf}x`, position: 'aprueba' } });
    expect(forged.status()).toBe(403);

    const { signoffHistory } = await proposal(id);
    expect(signoffHistory.filter((s: { institution: string }) => s.institution === 'DEFENSORIA')).toEqual([]);
  }, timeout);

  it('shows a form error beside its field in Spanish and keeps what was typed', async () => {
    await loginAs(page, base, 'SECRETARIA');
    await page.goto('/propuestas/nueva');
    const title = 'Lineamientos para la atención intersectorial de peruanos retornantes en situación de vulnerabilidad en los pasos de frontera del sur';
    const text = '1. Migraciones orienta en el paso de frontera.\n\n2. Los gobiernos regionales acogen.';
    await page.getByLabel('Título', { exact: true }).fill(title);
    await page.getByLabel('Texto', { exact: true }).fill(text);
    // The browser would stop an empty required field; the server's own check is what is tested.
    const submit = page.getByRole('button', { name: 'Lanzar propuesta', exact: true });
    await submit.evaluate((button: any) => { button.form.noValidate = true; });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      submit.click(),
    ]);
    // Post/redirect/get: the address bar holds the form's page again, never the POST.
    expect(response.status()).toBe(303);
    await page.waitForURL(/\/propuestas\/nueva\?formulario=/);
    await page.waitForLoadState();

    const summary = page.getByLabel('Resumen', { exact: true });
    const described = await summary.evaluate((field: any) => (field.getAttribute('aria-describedby') ?? '')
      .split(/\s+/).map((ref: string) => field.ownerDocument.getElementById(ref)?.textContent ?? '').join(' '));
    expect(described).toMatch(/resumen/i);
    expect(await page.getByLabel('Título', { exact: true }).inputValue()).toBe(title);
    expect(await page.getByLabel('Texto', { exact: true }).inputValue()).toBe(text);
    await screenshot(page, 'formulario-con-error');
  }, timeout);

  it('has no serious accessibility problems on the login, home and reports pages', async () => {
    await page.goto('/entrar');
    await screenshot(page, 'entrar');
    await expectAccessible(page);

    await loginAs(page, base, 'SECRETARIA');
    await screenshot(page, 'inicio-secretaria');
    await expectAccessible(page);

    await page.goto('/informes');
    await page.getByRole('heading', { level: 1, name: 'Informes', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: /CSV/ }).count()).toBeGreaterThan(0);
    await screenshot(page, 'informes');
    await expectAccessible(page);
  }, timeout);

  it('refuses a wrong password keeping the email, and logs out back to the login page', async () => {
    await page.goto('/entrar');
    const email = 'minsa@demo.mesa.test';
    await page.getByLabel('Correo electrónico', { exact: true }).fill(email);
    await page.getByLabel('Contraseña', { exact: true }).fill('no-es-la-contraseña');
    await page.getByRole('button', { name: 'Entrar', exact: true }).click();
    await page.getByText('Correo o contraseña incorrectos.').waitFor();
    expect(await page.getByLabel('Correo electrónico', { exact: true }).inputValue()).toBe(email);

    await loginAs(page, base, 'MINSA');
    await page.getByRole('banner').getByRole('button', { name: 'Salir', exact: true }).click();
    await page.waitForURL(`${base}/entrar`);
    // The session is gone, not merely hidden.
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/entrar');
  }, timeout);

  it('switches to English from the header, keeps it on the next page load, and switches back', async () => {
    await loginAs(page, base, 'SECRETARIA');
    await page.getByRole('heading', { name: 'Propuestas por etapa', exact: true }).waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'English', exact: true }).click();
    await page.getByRole('heading', { name: 'Proposals by stage', exact: true }).waitFor();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Proposals by stage', exact: true }).waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Español', exact: true }).click();
    await page.getByRole('heading', { name: 'Propuestas por etapa', exact: true }).waitFor();
  }, timeout);
});
