// Attached documents on the pages: the file field of a form and the list of a proposal's or a
// task's documents, each a link that downloads it through the web (/documentos/:id), which asks
// the API with the person's own token, so the same reading rules apply and the download is logged.
import { acceptAttribute, acceptedKinds, sizeLabel } from '../../../domain/attachments';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { when } from '../i18n';
import type { FormState } from '../layout';
import type { AttachmentAnswer } from '../../schemas';

/** The name of every form's file field; the API names the file so too (api/routes/documents.ts). */
export const fileFieldName = 'archivo';

/** The file field of a form whose `<form>` is sent as multipart/form-data. */
export function fileField(ctx: Ctx, o: { form: string; label: string; state?: FormState; required?: boolean }): Html {
  const id = `f-${o.form}-${fileFieldName}`;
  const error = o.state?.errors[fileFieldName];
  return html`<div class="field${error ? ' invalid' : ''}">
  <label for="${id}">${ctx.t(o.label)}</label>
  <span class="hint" id="${id}-hint">${acceptedKinds}.</span>
  <input type="file" id="${id}" name="${fileFieldName}" accept="${acceptAttribute}"${o.required ? html` required` : ''} aria-describedby="${id}-hint${error ? html` ${id}-error` : ''}"${error ? html` aria-invalid="true"` : ''}>
  ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
</div>`;
}

/** What a document belongs to, as people say it. */
function ofWhat(ctx: Ctx, a: AttachmentAnswer): string {
  switch (a.object) {
    case 'version': return `${ctx.t('Versión')} ${a.ref}`;
    case 'aporte': return ctx.t('Aporte');
    case 'avance': return ctx.t('Informe de avance');
    case 'entrega': return ctx.t('Conclusión');
    default: return ctx.t('Propuesta');
  }
}

export function attachmentList(ctx: Ctx, items: AttachmentAnswer[]): Html {
  if (items.length === 0) return html`<p>${ctx.t('Sin documentos.')}</p>`;
  return html`<ul class="items documents">${items.map((a) => html`<li><a href="/documentos/${a.id}" download>${a.filename}</a>
<span class="meta">${ofWhat(ctx, a)} · ${a.institution} · ${when(ctx.lang, a.at)} · ${sizeLabel(a.size)}</span></li>`)}</ul>`;
}

/** The link to an adopted proposal's agreement in PDF. */
export const agreementPdfLink = (ctx: Ctx, p: { id: string; number?: string | null; status: string }) =>
  p.status === 'adoptada' && p.number ? html`<a href="/propuestas/${p.id}/acuerdo.pdf">${ctx.t('Acuerdo en PDF')}<span class="visually-hidden"> ${p.number}</span></a>` : '';

