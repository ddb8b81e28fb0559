// A document of the Mesa as an A4 PDF of plain paragraphs: the signed acta of a session and the
// agreement of an adopted proposal. The standard Helvetica fonts (nothing embedded beyond them),
// so the text is the PDF's own text, which any reader can search and copy.
import type { PDFDocument } from 'pdf-lib';

/** The characters the standard PDF fonts can write (WinAnsi); anything else becomes "?". */
export const winAnsi = (text: string) => text.replace(/[^\u0009\u000a\u0020-\u007e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20ac]/g, '?');

export interface TextDocument {
  title: string;
  /** One paragraph per line; an empty line is a blank line. */
  text: string;
  at: Date;
  /** Which paragraphs (by index) are set in bold: titles and headings. */
  bold?: (index: number, paragraph: string) => boolean;
  lang?: string;
}

export async function textPdf(doc: TextDocument): Promise<PDFDocument> {
  // Loaded with the first document: most of the engine's starts write none.
  const { PDFDocument, StandardFonts, rgb } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  pdf.setTitle(winAnsi(doc.title));
  pdf.setLanguage(doc.lang ?? 'es-PE');
  pdf.setCreator('Mesa MTIGM');
  pdf.setCreationDate(doc.at);
  pdf.setModificationDate(doc.at);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const [width, height] = [595.28, 841.89];
  const margin = 56;
  const size = 10.5;
  const lineHeight = 15;
  let page = pdf.addPage([width, height]);
  let y = height - margin;
  const write = (line: string, f = font) => {
    if (y < margin) {
      page = pdf.addPage([width, height]);
      y = height - margin;
    }
    page.drawText(line, { x: margin, y, size, font: f, color: rgb(0, 0, 0) });
    y -= lineHeight;
  };
  for (const [i, paragraph] of winAnsi(doc.text).split('\n').entries()) {
    const f = doc.bold?.(i, paragraph) ? bold : font;
    let line = '';
    for (const word of paragraph.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (f.widthOfTextAtSize(next, size) > width - 2 * margin && line) {
        write(line, f);
        line = word;
      } else {
        line = next;
      }
    }
    write(line, f);
  }
  return pdf;
}
