// The words of the messages, alone: every kind says what happened, what is expected (or that
// nothing is) and by when, links to its page, and never lets user text become HTML.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderNotice } from '../domain/notices';

const kinds = [
  'revision_grupo', 'consulta_abierta', 'aporte_respondido', 'conformidad_solicitada', 'recordatorio', 'escalamiento', 'decision',
  'tarea_asignada', 'tarea_por_vencer', 'tarea_vencida', 'tarea_devuelta', 'resumen_semanal', 'resumen_diario', 'informe_mensual',
];

describe('message templates', () => {
  it.each(kinds)('%s: what happened, what is expected and the link, in text and HTML', (kind) => {
    const n = renderNotice({ kind, title: 'Propuesta <i>X</i>', institutionName: 'Ministerio de Salud', url: 'http://mesa.test/propuestas/p1', dueAt: '2026-12-05T15:30:00Z' });
    expect(n.subject).toBe('[Mesa MTIGM] Propuesta <i>X</i>');
    expect(n.text).toMatch(/^Ministerio de Salud:\n\nPropuesta <i>X<\/i>\n/);
    expect(n.text).toMatch(/Qué se espera: .+|No se requiere ninguna acción: es un aviso\./);
    // 15:30 UTC is 10:30 in Lima.
    expect(n.text).toContain('Plazo: vence el sábado 5 de diciembre de 2026 a las 10:30');
    expect(n.text).toContain('Ver en la Mesa: http://mesa.test/propuestas/p1');
    expect(n.html).toContain('Propuesta &lt;i&gt;X&lt;/i&gt;');
    expect(n.html).not.toContain('<i>X</i>');
  });

  it('asks for action in the messages that need one, and only informs in the others', () => {
    const expects = (kind: string) => renderNotice({ kind, title: 't', institutionName: 'i', url: 'u' }).text.includes('Qué se espera:');
    expect(['conformidad_solicitada', 'recordatorio', 'tarea_asignada', 'tarea_devuelta', 'revision_grupo'].every(expects)).toBe(true);
    expect(['decision', 'aporte_respondido', 'informacion'].some(expects)).toBe(false);
  });

  it('puts a subject on one line whatever the title holds', () => {
    expect(renderNotice({ kind: 'decision', title: 'a\r\nBcc: x@y.z', institutionName: 'i', url: 'u' }).subject).toBe('[Mesa MTIGM] a Bcc: x@y.z');
  });

  it('lists a digest\'s items with their deadlines', () => {
    const n = renderNotice({
      kind: 'resumen_semanal', title: 'Resumen semanal', institutionName: 'RREE', url: 'http://mesa.test/bandeja',
      lines: [{ title: 'Tarea: Módulo "A" & <B>', dueAt: '2027-01-10T17:00:00Z', url: 'http://mesa.test/tareas/t1' }],
    });
    expect(n.text).toContain('- Tarea: Módulo "A" & <B> (vence el domingo 10 de enero de 2027 a las 12:00)');
    expect(n.html).toContain('</a> — vence el domingo 10 de enero de 2027 a las 12:00</li>');
    expect(n.html).toContain('<a href="http://mesa.test/tareas/t1">Tarea: Módulo &quot;A&quot; &amp; &lt;B&gt;</a>');
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
