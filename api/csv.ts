// CSV that opens correctly in a spreadsheet: UTF-8 with a byte-order mark (so accents survive
// Excel), comma-separated (Peru writes decimals with a point), CRLF line ends, RFC 4180 quoting.

type Cell = string | number | boolean | null | undefined;

const quote = (cell: Cell) => {
  const text = cell === null || cell === undefined ? '' : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(headers: string[], rows: Cell[][]): string {
  return `\uFEFF${[headers, ...rows].map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}
