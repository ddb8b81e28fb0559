// A proposal's text on the page: numbered paragraphs (the numbers inputs refer to), Markdown
// rendered safely (raw HTML in the text is shown as text, never run), and the comparison with the
// previous version as a legal comparison table (paragraph by paragraph, words marked within).
import { diffArrays, diffWords } from 'diff';
import MarkdownIt from 'markdown-it';
import { html, raw, type Html } from './html';

// html: false escapes any markup in the text; markdown-it also refuses javascript: and data: links.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** The same split the workflow counts paragraphs with (domain/proposal.ts countParagraphs). */
export const paragraphsOf = (text: string) => text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '');

/** A paragraph without its own leading "N." when N is its number, so it is not numbered twice. */
function body(p: string, n: number): Html {
  const own = new RegExp(`^${n}\\.\\s+`);
  return raw(md.render(p.replace(own, '')));
}

export function numberedText(text: string): Html {
  return html`<ol class="paragraphs">${paragraphsOf(text).map((p, i) => html`<li id="p${i + 1}"><span class="n">${i + 1}.</span><div>${body(p, i + 1)}</div></li>`)}</ol>`;
}

/** A paragraph kept, removed or added; a kept one renumbered carries its former text in `was`. */
export type Change = { op: 'same' | 'del' | 'ins'; text: string; was?: string };

/** A paragraph without its own leading "N." (whatever N): renumbering alone changes nothing. */
const withoutNumber = (p: string) => p.replace(/^\d+\.\s+/, '');

/**
 * Edits beyond which the comparison stops looking for the shortest script and shows the changed
 * part as removed and added whole: the search costs about the square of this many steps, so the
 * longest text allowed (200,000 characters) still compares in milliseconds.
 */
const maxEditLength = 200;

/**
 * Paragraph-level differences (Myers' algorithm, from the `diff` package): what did not change at
 * either end is set aside first, as most revisions touch a few paragraphs; a renumbered
 * paragraph is the same paragraph. Removed paragraphs come before those that replace them.
 */
export function paragraphDiff(before: string, after: string): Change[] {
  const a = paragraphsOf(before);
  const b = paragraphsOf(after);
  const same = (x: string, y: string) => withoutNumber(x) === withoutNumber(y);
  let start = 0;
  while (start < a.length && start < b.length && same(a[start]!, b[start]!)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && same(a[endA - 1]!, b[endB - 1]!)) { endA--; endB--; }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const kept = (x: string, y: string): Change => (x === y ? { op: 'same', text: y } : { op: 'same', text: y, was: x });
  const out: Change[] = a.slice(0, start).map((x, k) => kept(x, b[k]!));
  const found = midA.length && midB.length ? diffArrays(midA.map(withoutNumber), midB.map(withoutNumber), { maxEditLength }) : undefined;
  if (found) {
    let i = 0;
    let j = 0;
    for (const part of found) {
      for (let k = 0; k < part.count; k++) {
        if (part.removed) out.push({ op: 'del', text: midA[i++]! });
        else if (part.added) out.push({ op: 'ins', text: midB[j++]! });
        else out.push(kept(midA[i++]!, midB[j++]!));
      }
    }
  } else {
    out.push(...midA.map((text) => ({ op: 'del' as const, text })), ...midB.map((text) => ({ op: 'ins' as const, text })));
  }
  out.push(...b.slice(endB).map((y, k) => kept(a[endA + k]!, y)));
  return out;
}

/** A row of the comparison: a paragraph's number and text before and after (null: it did not exist). */
export interface ComparisonRow {
  before: { n: number; text: string } | null;
  after: { n: number; text: string } | null;
}

/**
 * The comparison as a legal comparison table reads: unchanged paragraphs side by side, a run of
 * removed paragraphs paired in order with the run that replaces it (a modified paragraph), and
 * what is left of either run alone on its side.
 */
export function comparisonRows(before: string, after: string): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  let n = 0;
  let m = 0;
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      rows.push({ before: k < removed.length ? { n: ++n, text: removed[k]! } : null, after: k < added.length ? { n: ++m, text: added[k]! } : null });
    }
    removed = [];
    added = [];
  };
  for (const c of paragraphDiff(before, after)) {
    if (c.op === 'del') removed.push(c.text);
    else if (c.op === 'ins') added.push(c.text);
    else {
      flush();
      rows.push({ before: { n: ++n, text: c.was ?? c.text }, after: { n: ++m, text: c.text } });
    }
  }
  flush();
  return rows;
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** A paragraph as read, without its Markdown marks or own number: what the comparison compares word by word. */
export const plainParagraph = (p: string) => md.render(withoutNumber(p)).replace(/<[^>]*>/g, ' ')
  .replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e]!).replace(/\s+/g, ' ').trim();

/** Texts longer than this are marked as changed whole rather than word by word (the search is quadratic). */
const wordDiffLimit = 20_000;

/** One side of a modified paragraph, the words that changed marked (<del> before, <ins> after). */
function markedWords(before: string, after: string, side: 'before' | 'after', labels: { removed: string; added: string }): Html {
  // Compared from the other side's text, so that what is kept reads with this side's own spacing.
  const [from, to] = side === 'after' ? [before, after] : [after, before];
  const words = from.length + to.length <= wordDiffLimit ? diffWords(from, to, { maxEditLength: 2000 }) : undefined;
  const mark = (text: string) => (side === 'after'
    ? html`<ins><span class="visually-hidden">${labels.added}: </span>${text}</ins>`
    : html`<del><span class="visually-hidden">${labels.removed}: </span>${text}</del>`);
  if (!words) return mark(to);
  // What this side has and the other has not is marked; what only the other side has is left out.
  return html`${words.map((w) => (w.added ? mark(w.value) : w.removed ? '' : w.value))}`;
}

export interface ComparisonLabels { paragraph: string; before: string; after: string; removed: string; added: string; unchanged: string; caption: string }

/** The comparison table: paragraph number, text before, text after, the changes marked within each paragraph. */
export function comparisonTable(before: string, after: string, l: ComparisonLabels): Html {
  const rows = comparisonRows(before, after);
  if (rows.every((r) => r.before && r.after && r.before.text === r.after.text)) return html`<p>${l.unchanged}</p>`;
  return html`<table class="compare"><caption class="visually-hidden">${l.caption}</caption>
<thead><tr><th scope="col" class="n">${l.paragraph}</th><th scope="col">${l.before}</th><th scope="col">${l.after}</th></tr></thead><tbody>
${rows.map((r) => {
    const number = r.before && r.after ? (r.before.n === r.after.n ? `${r.after.n}` : `${r.before.n} → ${r.after.n}`) : r.after ? `${r.after.n}` : `${r.before!.n}`;
    const b = r.before ? plainParagraph(r.before.text) : '';
    const a = r.after ? plainParagraph(r.after.text) : '';
    const changed = b !== a;
    return html`<tr${changed ? html` class="changed"` : ''}><th scope="row" class="n">${number}</th>
<td data-label="${l.before}"${!r.after ? html` class="removed"` : ''}>${!r.before ? '—' : !r.after ? html`<del><span class="visually-hidden">${l.removed}: </span>${b}</del>` : changed ? markedWords(b, a, 'before', l) : b}</td>
<td data-label="${l.after}"${!r.before ? html` class="added"` : ''}>${!r.after ? '—' : !r.before ? html`<ins><span class="visually-hidden">${l.added}: </span>${a}</ins>` : changed ? markedWords(b, a, 'after', l) : a}</td></tr>`;
  })}
</tbody></table>`;
}
