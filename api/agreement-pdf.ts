// The agreement of an adopted proposal as a PDF: its number and date, the proposal's title and
// the adopted text, the decision rule and the vote, the sign-off matrix (each member institution
// with its position, its date and whether it was tacit) and the tasks it created. Built from the
// proposal as the reader may read it: civil society gets the vote in figures, not each member's
// position (domain/visibility.ts).
import { textPdf } from '../engine/text-pdf';
import type { Lang } from '../domain/catalogue';
import { decisionReason, label, t, when } from './web/i18n';
import type { ProposalAnswer, TaskAnswer } from './schemas';

export interface AgreementData {
  proposal: ProposalAnswer;
  /** The name of every institution, by code. */
  names: Map<string, string>;
  /** The members of the round that adopted it, in the registry's order. */
  members: string[];
  tasks: Array<Pick<TaskAnswer, 'id' | 'title' | 'responsible' | 'dueAt' | 'status' | 'deliverable'>>;
  lang: Lang;
}

/** The agreement as lines of text, headings marked: what the PDF says, also for its tests. */
export function agreementText({ proposal: p, names, members, tasks, lang }: AgreementData): { lines: string[]; headings: Set<number> } {
  const lines: string[] = [];
  const headings = new Set<number>();
  const heading = (text: string) => {
    if (lines.length) lines.push('');
    headings.add(lines.length);
    lines.push(text);
  };
  const tr = (s: string) => t(lang, s);
  const d = p.decision!;
  heading(`${tr('Acuerdo')} ${p.number ?? ''}`);
  lines.push(tr('Mesa de Trabajo Intersectorial para la Gestión Migratoria'));
  lines.push(`${tr('Fecha de adopción')}: ${when(lang, d.at)} (${tr('hora de Lima')})`);
  lines.push(`${tr('Propuesta')}: ${p.title}`);

  const version = p.versions.find((v) => v.number === d.version) ?? p.versions.at(-1);
  heading(`${tr('Texto adoptado')} (${tr('versión')} ${version?.number ?? d.version})`);
  for (const paragraph of (version?.text ?? '').split(/\n\s*\n/)) lines.push(paragraph.replace(/\s*\n\s*/g, ' ').trim(), '');
  lines.pop();

  heading(tr('Decisión'));
  lines.push(`${tr('Regla de decisión')}: ${label(lang, d.rule)}`);
  lines.push(`${tr('Resultado')}: ${label(lang, d.outcome)}. ${decisionReason(lang, d.reason)}`);
  const c = d.counts;
  lines.push(`${tr('Votación')}: ${tr('respondieron')} ${c.answered} ${tr('de')} ${c.members}; ${label(lang, 'aprueba')} ${c.aprueba}; ${label(lang, 'aprueba_con_observaciones')} ${c.aprueba_con_observaciones}; ${label(lang, 'objeta')} ${c.objeta}; ${label(lang, 'se_abstiene')} ${c.se_abstiene}; ${label(lang, 'conformidad_tacita')} ${c.tacit}. ${d.quorumMet ? tr('Con quórum') : tr('Sin quórum')}.`);

  heading(`${tr('Matriz de conformidades')} (${tr('ronda')} ${d.round})`);
  const signoffs = p.signoffs ?? [];
  if (signoffs.length === 0 && c.answered > 0) {
    lines.push(tr('La posición de cada institución es del lado del Estado; la votación en cifras figura arriba.'));
  } else {
    const byInstitution = new Map(signoffs.map((s) => [s.institution, s]));
    for (const [i, code] of members.entries()) {
      const s = byInstitution.get(code);
      const answer = s ? `${label(lang, s.position)}, ${when(lang, s.at)}${s.tacit ? ` (${tr('tácita')})` : ''}${s.comment ? `. ${s.comment}` : ''}` : tr('Sin respuesta');
      lines.push(`${i + 1}. ${code} - ${names.get(code) ?? code}: ${answer}`);
    }
  }

  heading(tr('Tareas creadas'));
  if (tasks.length === 0) lines.push(tr('Sin tareas.'));
  for (const [i, task] of tasks.entries()) {
    lines.push(`${i + 1}. ${task.title}. ${tr('Entregable')}: ${task.deliverable}. ${tr('Responsables')}: ${task.responsible.join(', ')}. ${tr('Vence')}: ${when(lang, task.dueAt)}. ${tr('Estado')}: ${label(lang, task.status)}.`);
  }
  return { lines, headings };
}

export async function agreementPdf(data: AgreementData): Promise<Uint8Array> {
  const { lines, headings } = agreementText(data);
  const pdf = await textPdf({
    title: `${t(data.lang, 'Acuerdo')} ${data.proposal.number ?? ''}`, text: lines.join('\n'), at: new Date(data.proposal.decision!.at),
    bold: (i) => headings.has(i), lang: data.lang === 'en' ? 'en' : 'es-PE',
  });
  return pdf.save();
}
