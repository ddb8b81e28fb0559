// The inbox page: what awaits the institution, then what it was told, each marked read on request.
import { pageUrl } from '../../../domain/notices';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { when } from '../i18n';
import { csrfField, dueText, noticeTitle, page, section } from '../layout';
import type { InboxAnswer } from '../../schemas';

type Item = InboxAnswer['items'][number];

export function inboxPage(ctx: Ctx, items: Item[]): Html {
  const t = ctx.t;
  const link = (i: Item) => (i.taskId || i.proposalId ? pageUrl('', i) : null);
  const row = (i: Item) => html`<li>${link(i) ? html`<a href="${link(i)}">${noticeTitle(ctx, i)}</a>` : noticeTitle(ctx, i)}
${i.dueAt ? dueText(ctx, i.dueAt) : html`<span class="meta"> · ${when(ctx.lang, i.at)}</span>`}
${i.kind !== 'pendiente' && !i.read ? html`<form method="post" action="/bandeja/leido" class="inline">${csrfField(ctx)}<input type="hidden" name="id" value="${i.id}"><button type="submit" class="link">${t('Marcar como leído')}</button></form>` : i.read ? html` <span class="badge">${t('Leído')}</span>` : ''}</li>`;
  const pending = items.filter((i) => i.kind === 'pendiente');
  const told = items.filter((i) => i.kind !== 'pendiente');
  return page(ctx, t('Bandeja'), html`<h1>${t('Bandeja')}</h1>
${section(t('Lo que espera a su institución'), pending.length ? html`<ul class="items">${pending.map(row)}</ul>` : html`<p>${t('Nada pendiente.')}</p>`)}
${section(t('Avisos recientes'), told.length ? html`<ul class="items">${told.map(row)}</ul>` : html`<p>${t('Sin elementos.')}</p>`)}`);
}
