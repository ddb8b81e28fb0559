// HTML by tagged templates: every interpolated value is escaped unless it is already `Html`
// (another template, or `raw` for markup we produced ourselves). So escaping is the default and
// forgetting it is impossible.
import { escapeHtml } from '../../domain/notices';

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function render(p: Part): string {
  if (p === null || p === undefined || p === false) return '';
  if (p instanceof Html) return p.value;
  if (Array.isArray(p)) return p.map(render).join('');
  return escapeHtml(String(p));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Markup this program produced itself (rendered Markdown, SVG charts): never user text. */
export const raw = (s: string) => new Html(s);
