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

/**
 * Edits beyond which the comparison stops looking for the shortest script: the search costs
 * about the square of this many steps, so a page with the longest text allowed (200,000
 * characters) still renders in milliseconds and never holds up the process.
 */
const editBudget = 200;

/**
 * The shortest edit script between two sequences (Myers' O(ND) greedy algorithm), as operations
 * on indexes; null when it needs more than `budget` insertions and deletions. Only the frontier
 * of each step is kept (O(budget²) numbers at most), never an N×M table.
 */
function shortestEdit(a: Int32Array, b: Int32Array, budget: number): Op[] | null {
  const n = a.length;
  const m = b.length;
  budget = Math.min(budget, n + m);
  const off = budget + 1;
  const v = new Int32Array(2 * budget + 3);
  const frontiers: Int32Array[] = [];
  for (let d = 0; d <= budget; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[off + k] = x;
      if (x >= n && y >= m) {
        frontiers.push(v.slice(off - d, off + d + 1));
        return backtrack(frontiers, n, m);
      }
    }
    frontiers.push(v.slice(off - d, off + d + 1));
  }
  return null;
}

function backtrack(frontiers: Int32Array[], n: number, m: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = frontiers.length - 1; d > 0; d--) {
    const prev = frontiers[d - 1]!;
    const at = (k: number) => prev[k + d - 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    const startX = down ? prevX : prevX + 1;
    while (x > startX) {
      x--;
      y--;
      ops.push(['same', x]);
    }
    if (down) ops.push(['ins', prevY]);
    else ops.push(['del', prevX]);
    x = prevX;
    y = prevY;
  }
  while (x > 0) ops.push(['same', --x]);
  return ops.reverse();
}

type Op = ['same' | 'del' | 'ins', number];

/**
 * Paragraphs that occur exactly once on each side, in an order both sides agree on (the longest
 * increasing run, found in O(k log k)): the fixed points a revision keeps ("patience" anchors).
 */
function anchors(a: Int32Array, b: Int32Array): Array<[number, number]> {
  const count = new Map<number, number>();
  const inB = new Map<number, number>();
  for (let i = 0; i < a.length; i++) count.set(a[i]!, (count.get(a[i]!) ?? 0) + 1);
  for (let j = 0; j < b.length; j++) {
    if (count.get(b[j]!) === 1) inB.set(b[j]!, inB.has(b[j]!) ? -1 : j);
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i++) {
    const j = inB.get(a[i]!);
    if (j !== undefined && j >= 0) pairs.push([i, j]);
  }
  // Longest increasing subsequence of the b positions (patience sorting with back links).
  const tails: number[] = [];
  const back = new Int32Array(pairs.length).fill(-1);
  for (let n = 0; n < pairs.length; n++) {
    const j = pairs[n]![1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) back[n] = tails[lo - 1]!;
    tails[lo] = n;
  }
  const out: Array<[number, number]> = [];
  for (let n = tails.at(-1) ?? -1; n >= 0; n = back[n]!) out.push(pairs[n]!);
  return out.reverse();
}

/** The edits between two ranges: anchored where possible, shortest script between anchors, whole removal and addition past the budget. */
function editsBetween(a: Int32Array, b: Int32Array): Op[] {
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  const gap = (ai: number, bj: number) => {
    if (ai === i || bj === j) {
      for (let x = i; x < ai; x++) ops.push(['del', x]);
      for (let y = j; y < bj; y++) ops.push(['ins', y]);
      return;
    }
    const script = shortestEdit(a.subarray(i, ai), b.subarray(j, bj), editBudget);
    if (script) for (const [op, at] of script) ops.push([op, op === 'ins' ? j + at : i + at]);
    else {
      for (let x = i; x < ai; x++) ops.push(['del', x]);
      for (let y = j; y < bj; y++) ops.push(['ins', y]);
    }
  };
  for (const [ai, bj] of anchors(a, b)) {
    gap(ai, bj);
    ops.push(['same', ai]);
    i = ai + 1;
    j = bj + 1;
  }
  gap(a.length, b.length);
  return ops;
}

/**
 * Paragraph-level differences: paragraphs found once on each side anchor the comparison, and
 * between anchors the shortest edit script is searched, up to a budget. Time and memory stay
 * near-linear in the length of the text, whatever the two versions are.
 */
export function paragraphDiff(before: string, after: string): Change[] {
  const a = paragraphsOf(before);
  const b = paragraphsOf(after);
  // What did not change at the beginning and the end is set aside first: most revisions touch a few paragraphs.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  // Paragraphs as numbers: equal text, equal number, so the search compares integers.
  const ids = new Map<string, number>();
  const idsOf = (list: string[]) => {
    const out = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) {
      let id = ids.get(list[i]!);
      if (id === undefined) ids.set(list[i]!, (id = ids.size));
      out[i] = id;
    }
    return out;
  };
  const same = (text: string) => ({ op: 'same' as const, text });
  return [
    ...a.slice(0, start).map(same),
    ...editsBetween(idsOf(midA), idsOf(midB)).map(([op, at]) => ({ op, text: op === 'ins' ? midB[at]! : midA[at]! })),
    ...a.slice(endA).map(same),
  ];
}

export function diffView(before: string, after: string, labels: { removed: string; added: string }): Html {
  return html`<div class="diff">${paragraphDiff(before, after).map((c) => c.op === 'same'
    ? html`<p>${c.text}</p>`
    : c.op === 'ins' ? html`<ins><span class="visually-hidden">${labels.added}: </span>${c.text}</ins>` : html`<del><span class="visually-hidden">${labels.removed}: </span>${c.text}</del>`)}</div>`;
}
