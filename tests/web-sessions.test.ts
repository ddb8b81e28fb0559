// The secretariat runs a whole plenary session from a phone (390 px), through the pages, on real
// Temporal and a real database: convocation, opening with quorum, a proposal decided in session,
// the session closed with its acta open for observations, the acta approved and signed, its PDF
// downloaded, and the register of actas checking uploaded files against the signed original.
import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionDefaults } from '../domain/session';
import { expectFitsAndAccessible, launchBrowser, loginAs, serve } from './browser';
import { eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
let base: string;
let browser: Browser;

beforeAll(async () => {
  // No notice period: the session is convened for the coming minutes and run at once.
  mesa = await startMesa({ app: { sessions: { notice: 'PT0S', rules: sessionDefaults } } });
  base = await serve(mesa);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await mesa?.close();
});

/** A `datetime-local` value (Lima time, whole minutes) at least `seconds` from now. */
function limaLocal(seconds: number): { local: string; at: number } {
  const at = Math.ceil((Date.now() + seconds * 1000) / 60_000) * 60_000;
  return { local: new Date(at - 5 * 3600_000).toISOString().slice(0, 16), at };
}

describe('a plenary session on a phone', () => {
  it('is convened, opened with quorum, decides a proposal, is closed, and its acta approved, signed, downloaded and verified', async () => {
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({
      title: 'Protocolo de atención a niñez migrante no acompañada', stages: ['conformidad'], deadlines: { conformidad: 'P10D' },
    }));
    expect(launched.status).toBe(201);
    const proposalId = launched.body.id as string;
    await eventually(async () => (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${proposalId}`)).body.stage === 'conformidad');

    const context = await browser.newContext({ baseURL: base, locale: 'es-PE', timezoneId: 'America/Lima', viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    try {
      await loginAs(page, base, 'SECRETARIA');
      await page.getByRole('link', { name: 'Sesiones', exact: true }).click();
      await page.waitForURL(`${base}/sesiones`);

      // Convene: the proposal and one other item on the agenda.
      const start = limaLocal(40);
      await page.getByLabel('Tipo de sesión').selectOption('ordinaria');
      await page.getByLabel('Fecha y hora (Lima)').fill(start.local);
      await page.getByLabel('Lugar', { exact: true }).fill('Sala Raúl Porras, RREE');
      await page.getByRole('checkbox', { name: 'Protocolo de atención a niñez migrante no acompañada' }).check();
      await page.getByLabel('Otros puntos (uno por línea)').fill('Informe de la Secretaría Técnica');
      await expectFitsAndAccessible(page, 'sesiones-telefono');
      await page.getByRole('button', { name: 'Convocar', exact: true }).click();
      await page.waitForURL(/\/sesiones\/ses_[a-z0-9]+\?hecho=sesion_convocada$/);
      expect(await page.getByRole('status').textContent()).toBe('Sesión convocada.');
      const sessionUrl = page.url().split('?')[0]!;
      const sessionId = sessionUrl.split('/').at(-1)!;
      const agenda = page.locator('#agenda');
      expect(await agenda.textContent()).toContain('Protocolo de atención a niñez migrante no acompañada');
      expect(await agenda.textContent()).toContain('Informe de la Secretaría Técnica');
      expect(await page.locator('#quorum').textContent()).toMatch(/Sin quórum/);
      // The session opens only at its hour.
      await new Promise((r) => setTimeout(r, Math.max(start.at - Date.now() + 500, 0)));

      // Open with every member present.
      await page.goto(sessionUrl);
      for (const code of memberCodes) await page.getByRole('checkbox', { name: code, exact: true }).check();
      await page.getByRole('button', { name: 'Abrir la sesión', exact: true }).click();
      await page.waitForURL(`${sessionUrl}?hecho=sesion_abierta`);
      expect(await page.locator('#quorum').textContent()).toMatch(new RegExp(`Con quórum`));
      expect(await page.locator('#quorum').textContent()).toContain(`${memberCodes.length} presentes`);

      // Item 1: a position for each present member, recorded by the secretariat on its behalf.
      for (const code of memberCodes) {
        await page.getByLabel('Miembro presente').selectOption(code);
        await page.getByRole('radio', { name: 'Aprueba', exact: true }).check();
        await page.getByRole('button', { name: 'Registrar posición', exact: true }).click();
        await page.waitForURL(`${sessionUrl}?hecho=posicion_registrada`);
      }
      expect(await page.locator('#punto-1').textContent()).toContain('registrada por la Secretaría Técnica');
      await expectFitsAndAccessible(page, 'sesion-en-curso-telefono');
      await page.getByLabel('Resumen de la deliberación').fill('Se revisó el protocolo; todos los miembros presentes lo aprueban.');
      await page.getByRole('button', { name: 'Cerrar el punto', exact: true }).click();
      await page.waitForURL(`${sessionUrl}?hecho=punto_cerrado`);
      const item1 = await page.locator('#punto-1').textContent();
      expect(item1).toContain('Adoptada');
      expect(item1).toMatch(/Aprueba: \d+/);

      // Item 2: dealt with.
      await page.getByLabel('Resumen de la deliberación').fill('La Secretaría Técnica informó del avance de las tareas.');
      await page.getByRole('button', { name: 'Cerrar el punto', exact: true }).click();
      await page.waitForURL(`${sessionUrl}?hecho=punto_cerrado`);
      expect(await page.locator('#punto-2').textContent()).toContain('Tratado');

      // Close the session: the acta draft goes out for observations.
      await page.getByLabel('Plazo de observaciones al acta (días)').fill('5');
      await page.getByRole('button', { name: 'Cerrar la sesión', exact: true }).click();
      await page.waitForURL(`${sessionUrl}?hecho=sesion_cerrada`);
      expect(await page.locator('#acta').textContent()).toContain('En observación');
      await expectFitsAndAccessible(page, 'sesion-cerrada-telefono');

      // What the API records: the proposal adopted in session, the session closed.
      const session = (await mesa.call('SECRETARIA', 'GET', `/api/v1/sessions/${sessionId}`)).body;
      expect(session).toMatchObject({ status: 'cerrada', quorum: { met: true }, acta: { status: 'en_observacion' } });
      expect(session.agenda[0]).toMatchObject({ outcome: 'adoptada', proposalId });
      await eventually(async () => (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${proposalId}`)).body.status === 'adoptada');

      // The calendar lists it; the register has no approved acta yet.
      await page.goto(`${base}/sesiones`);
      expect(await page.locator('#calendario-sesiones').textContent()).toContain('Cerrada');
      await page.goto(`${base}/actas`);
      expect(await page.locator('main').textContent()).toContain('Aún no hay actas aprobadas.');

      // The observation round closes: one member observes, every other agrees, and the
      // secretariat approves the acta from its phone; the approved acta is signed.
      const [observer, ...agreeing] = memberCodes;
      expect((await mesa.call(observer!, 'POST', `/api/v1/sessions/${sessionId}/acta/observations`, { text: 'Precisar el nombre del representante de MINSA.' })).status).toBe(201);
      for (const code of agreeing) expect((await mesa.call(code, 'POST', `/api/v1/sessions/${sessionId}/acta/conformity`, {})).status).toBe(200);
      await page.goto(sessionUrl);
      await page.getByRole('button', { name: 'Aprobar el acta', exact: true }).click();
      await page.waitForURL(`${sessionUrl}?hecho=acta_aprobada`);
      const sha256 = await eventually(async () => (await mesa.call('SECRETARIA', 'GET', `/api/v1/sessions/${sessionId}`)).body.acta.sha256 as string | null ?? undefined);
      await page.goto(sessionUrl);
      expect(await page.locator('#acta').textContent()).toContain(sha256);
      await expectFitsAndAccessible(page, 'acta-aprobada-telefono');

      // The signed PDF, downloaded from the session page's link, is the one the API holds.
      const href = await page.getByRole('link', { name: 'Acta firmada (PDF)' }).getAttribute('href');
      const download = await page.request.get(`${base}${href}`);
      expect(download.headers()['content-type']).toBe('application/pdf');
      const pdf = await download.body();
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(createHash('sha256').update(pdf).digest('hex')).toBe(sha256);

      // The register lists it, read from GET /api/v1/actas, with how it was approved.
      await page.goto(`${base}/actas`);
      const register = await page.locator('main table').textContent();
      expect(register).toContain(sha256);
      expect(register).toContain('Aprobada expresamente');
      expect(register).toContain(`Con observaciones: ${observer}`);
      const listed = (await mesa.call('MINSA', 'GET', '/api/v1/actas')).body.items;
      expect(listed).toEqual([expect.objectContaining({ sessionId, kind: 'ordinaria', sha256, approval: expect.objectContaining({ bySilence: false, observaciones: [observer], silencio: [] }) })]);

      // Verification: the downloaded file is the original; a changed byte is not; a text file is no PDF.
      const verify = async (name: string, buffer: Buffer, mimeType: string) => {
        await page.getByLabel('Sesión', { exact: true }).selectOption(sessionId);
        await page.getByLabel('Archivo PDF del acta').setInputFiles({ name, mimeType, buffer });
        await page.getByRole('button', { name: 'Verificar', exact: true }).click();
        await page.waitForLoadState();
      };
      await verify('acta.pdf', pdf, 'application/pdf');
      await page.waitForURL(/\/actas\?sesion=.*#verificacion$/);
      expect(await page.locator('#verificacion').textContent()).toContain('El archivo es el acta firmada original: idéntico byte a byte.');
      await expectFitsAndAccessible(page, 'actas-verificada-telefono');
      const changed = Buffer.from(pdf);
      changed[changed.length - 10] = changed[changed.length - 10]! ^ 1;
      await verify('acta-cambiada.pdf', changed, 'application/pdf');
      expect(await page.locator('#verificacion').textContent()).toContain('El archivo NO es el acta firmada original');
      await verify('notas.txt', Buffer.from('Esto no es un PDF.'), 'text/plain');
      await page.waitForURL(/\/actas\?formulario=/);
      expect(await page.locator('#f-verificar-archivo-error').textContent()).toBe('El archivo enviado («Archivo PDF del acta») no es un PDF: no empieza con «%PDF-».');
      expect(await page.locator('#verificacion').count()).toBe(0);
      await expectFitsAndAccessible(page, 'actas-telefono');
    } finally {
      await context.close();
    }
  }, 540_000);
});
