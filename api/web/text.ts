// A proposal's text on the page: numbered paragraphs (the numbers inputs refer to), Markdown
// rendered safely (raw HTML in the text is shown as text, never run), and the paragraph-level
// comparison with the previous version.
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

type Change = { op: 'same' | 'del' | 'ins'; text: string };

/** Paragraph-level differences by longest common subsequence: small texts, exact answer. */
export function paragraphDiff(before: string, after: string): Change[] {
  const a = paragraphsOf(before);
  const b = paragraphsOf(after);
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: Change[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ op: 'ins', text: b[j++]! });
    } else {
      out.push({ op: 'del', text: a[i++]! });
    }
  }
  return out;
}

export function diffView(before: string, after: string, labels: { removed: string; added: string }): Html {
  return html`<div class="diff">${paragraphDiff(before, after).map((c) => c.op === 'same'
    ? html`<p>${c.text}</p>`
    : c.op === 'ins' ? html`<ins><span class="visually-hidden">${labels.added}: </span>${c.text}</ins>` : html`<del><span class="visually-hidden">${labels.removed}: </span>${c.text}</del>`)}</div>`;
}
