// Attachments as the use case gets them: a safe file name, a content type that is one, and a risk flag
// for archives and executables (by extension, by declared type, and by content for Windows programs).
import type { Attachment } from 'mailparser';
import { cap, withoutControls } from './head';
import type { InboundAttachment } from './inbound-mail';

const ARCHIVE_EXTENSIONS = new Set([
  'zip',
  'rar',
  '7z',
  'gz',
  'tgz',
  'tar',
  'jar',
  'bz2',
  'xz',
  'cab',
  'iso',
]);
const EXECUTABLE_EXTENSIONS = new Set([
  'exe',
  'com',
  'bat',
  'cmd',
  'scr',
  'pif',
  'msi',
  'msp',
  'dll',
  'cpl',
  'js',
  'jse',
  'vbs',
  'vbe',
  'wsf',
  'wsh',
  'hta',
  'ps1',
  'psm1',
  'lnk',
  'reg',
]);
const ARCHIVE_TYPES = new Set([
  'application/zip',
  'application/x-zip',
  'application/x-zip-compressed',
  'application/vnd.rar',
  'application/x-rar',
  'application/x-rar-compressed',
  'application/x-7z-compressed',
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/x-gtar',
  'application/java-archive',
  'application/x-bzip2',
  'application/x-xz',
  'application/vnd.ms-cab-compressed',
  'application/x-iso9660-image',
]);
const EXECUTABLE_TYPES = new Set([
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-ms-dos-executable',
  'application/x-dosexec',
  'application/x-executable',
  'application/vnd.microsoft.portable-executable',
  'application/x-msi',
  'application/x-ms-installer',
  'application/x-ms-shortcut',
  'application/hta',
  'application/javascript',
  'application/x-javascript',
  'text/javascript',
  'application/ecmascript',
  'text/vbscript',
  'application/x-vbscript',
  'application/x-bat',
  'application/x-powershell',
]);
/** An attached message: a bounce's returned mail, a forwarded .eml. */
export const RETURNED_MESSAGE_TYPES = new Set(['message/rfc822', 'message/global']);

/** A Windows PE image: `MZ`, and the offset at 0x3c pointing at `PE\0\0`. */
function isPortableExecutable(content: Buffer): boolean {
  if (content.length < 0x40 || content[0] !== 0x4d || content[1] !== 0x5a) return false;
  const pe = content.readUInt32LE(0x3c);
  return pe + 4 <= content.length && content.toString('latin1', pe, pe + 4) === 'PE\0\0';
}

function riskOf(filename: string, contentType: string, content: Buffer): InboundAttachment['risk'] {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(filename.trim())?.[1]?.toLowerCase() ?? '';
  if (EXECUTABLE_EXTENSIONS.has(ext) || EXECUTABLE_TYPES.has(contentType) || isPortableExecutable(content)) {
    return 'executable';
  }
  if (ARCHIVE_EXTENSIONS.has(ext) || ARCHIVE_TYPES.has(contentType)) return 'archive';
  return undefined;
}

function safeFilename(raw: string | undefined, contentType: string, index: number): string {
  const cleaned = withoutControls(raw ?? '', '')
    .split(/[\\/]/)
    .pop()
    ?.trim()
    .replace(/^\.+$/, '');
  if (cleaned) return cap(cleaned, 255);
  if (RETURNED_MESSAGE_TYPES.has(contentType)) return `message-${index}.eml`;
  const sub = /^[a-z]+\/([a-z0-9]{1,10})$/.exec(contentType)?.[1];
  return `attachment-${index}${sub && sub !== 'octet-stream' ? `.${sub}` : ''}`;
}

/** mailparser's attachment fields, as what they are on broken input (`contentType` can be `false`). */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The part's content type, lower-cased, or `application/octet-stream` when it is not a type at all. */
export const typeOf = (a: Attachment): string => {
  const type = str(a.contentType)?.trim().toLowerCase() ?? '';
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : 'application/octet-stream';
};

/** The part's bytes (an empty buffer when mailparser has none to give). */
export const contentOf = (a: Attachment): Buffer =>
  Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0);

/** `index` counts from 1 and names attachments that came without a file name. */
export function toAttachment(a: Attachment, index: number): InboundAttachment {
  const contentType = typeOf(a);
  const content = contentOf(a);
  const filename = safeFilename(str(a.filename), contentType, index);
  const risk = riskOf(filename, contentType, content);
  return {
    filename,
    contentType,
    size: content.length,
    content,
    ...(str(a.cid) ? { contentId: str(a.cid) } : {}),
    ...(risk ? { risk } : {}),
  };
}
