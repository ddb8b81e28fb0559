// Documents attached to the Mesa's work (docs/domain.md#documentos): what may be attached, to
// what, and who may read it. A file's kind is decided by its first bytes, never by its name or by
// the type its sender declared: a renamed executable is not a PDF. Pure functions of the bytes
// and the reader.
import { mayReadProposal, readsDeliberation, type ProposalPublicity, type Reader } from './visibility';

/** What a document is attached to: the proposal, one of its versions or inputs, a task's progress report or completion. */
export const attachmentObjects = ['propuesta', 'version', 'aporte', 'avance', 'entrega'] as const;
export type AttachmentObject = (typeof attachmentObjects)[number];

/** The objects of a proposal and those of a task. */
export const proposalObjects = ['propuesta', 'version', 'aporte'] as const satisfies readonly AttachmentObject[];
export const taskObjects = ['avance', 'entrega'] as const satisfies readonly AttachmentObject[];

export interface DocumentKind {
  mediaType: string;
  /** The names a file of this kind may carry (lowercase, without the dot). */
  extensions: string[];
  label: string;
}

export const documentKinds = {
  pdf: { mediaType: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], label: 'Word (DOCX)' },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], label: 'Excel (XLSX)' },
  png: { mediaType: 'image/png', extensions: ['png'], label: 'PNG' },
  jpeg: { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG' },
} as const satisfies Record<string, DocumentKind>;
export type DocumentKindCode = keyof typeof documentKinds;

/** The accepted kinds, as a sentence for the person choosing a file. */
export const acceptedKinds = Object.values(documentKinds).map((k) => k.label).join(', ');
/** The `accept` attribute of a file field. */
export const acceptAttribute = Object.values(documentKinds).flatMap((k) => [...k.extensions.map((e) => `.${e}`), k.mediaType]).join(',');

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** Whether the ASCII `needle` occurs in the bytes (a ZIP names its entries in plain text). */
function contains(bytes: Uint8Array, needle: string): boolean {
  const first = needle.charCodeAt(0);
  outer: for (let i = bytes.indexOf(first); i >= 0 && i <= bytes.length - needle.length; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

/**
 * The kind of a file from its first bytes: `%PDF-`, the PNG and JPEG signatures, and for DOCX and
 * XLSX an Office Open XML package (a ZIP with `[Content_Types].xml`) holding the main part of a
 * document or a workbook. Anything else is null.
 */
export function sniffDocument(bytes: Uint8Array): DocumentKindCode | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && contains(bytes, '[Content_Types].xml')) {
    if (contains(bytes, 'word/document.xml')) return 'docx';
    if (contains(bytes, 'xl/workbook.xml')) return 'xlsx';
  }
  return null;
}

/** The extension of a file name, lowercase, or '' without one. */
export const extensionOf = (filename: string) => /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';

/** A file name as it is kept and offered back: no folders, no control characters, at most 200 characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).at(-1) ?? '';
  return base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(-200);
}

export type DocumentRefusal =
  | { code: 'empty' }
  | { code: 'too_large'; maxBytes: number }
  | { code: 'unsupported' }
  | { code: 'name_mismatch'; kind: DocumentKindCode };

/** Whether these bytes, with this name, may be attached; the kind when they may. */
export function checkDocument(bytes: Uint8Array, filename: string, maxBytes: number): { kind: DocumentKindCode } | { refusal: DocumentRefusal } {
  if (bytes.length === 0) return { refusal: { code: 'empty' } };
  if (bytes.length > maxBytes) return { refusal: { code: 'too_large', maxBytes } };
  const kind = sniffDocument(bytes);
  if (!kind) return { refusal: { code: 'unsupported' } };
  if (!(documentKinds[kind].extensions as readonly string[]).includes(extensionOf(filename))) return { refusal: { code: 'name_mismatch', kind } };
  return { kind };
}

/** A size for people: "20 MiB", "350 KiB". */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Math.ceil(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

/**
 * Who may read a document: whoever may read the object it belongs to. A proposal's documents,
 * its versions' and its inputs' follow the proposal (civil society once it is public). A
 * progress report's and a completion's are the ministry's working record with the secretariat,
 * like a report's note and evidence link (taskForReader): the State's side only.
 */
export function mayReadAttachment(r: Reader, object: AttachmentObject, proposal: ProposalPublicity): boolean {
  if ((taskObjects as readonly string[]).includes(object)) return readsDeliberation(r);
  return mayReadProposal(r, proposal);
}

/** Why a file was refused, naming its field by `field` (the API's name, or a form's label), in Spanish or English. */
export function refusalSentence(r: DocumentRefusal, filename: string, field: string, lang: 'es' | 'en' = 'es'): string {
  const es = lang === 'es';
  switch (r.code) {
    case 'empty': return es ? `El campo «${field}» está vacío: elija un archivo con contenido.` : `The field «${field}» is empty: choose a file with content.`;
    case 'too_large': return es ? `El campo «${field}» supera el tamaño máximo de ${sizeLabel(r.maxBytes)}.` : `The field «${field}» is over the maximum size of ${sizeLabel(r.maxBytes)}.`;
    case 'unsupported': {
      const kinds = Object.values(documentKinds).map((k) => k.label).join(', ');
      return es ? `El campo «${field}» no es de un tipo aceptado: el contenido de «${filename}» no es ${kinds}.` : `The field «${field}» is not of an accepted type: the content of «${filename}» is not ${kinds}.`;
    }
    case 'name_mismatch': {
      const kind = documentKinds[r.kind];
      return es
        ? `El campo «${field}» no corresponde a su nombre: el contenido de «${filename}» es ${kind.label}, y su nombre debería terminar en .${kind.extensions[0]}.`
        : `The field «${field}» does not match its name: the content of «${filename}» is ${kind.label}, so its name should end in .${kind.extensions[0]}.`;
    }
  }
}
