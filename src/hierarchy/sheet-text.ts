/**
 * Reads a spreadsheet export's bytes as UTF-8 text, refusing a file in another encoding rather than letting the
 * decoder replace its bytes: Excel's plain "CSV" is Windows-1252, and read as UTF-8 its "é" became "\uFFFD" in the
 * region, branch and names written to seedsmetrics — a branch spelt two ways splits in two on every screen.
 */
import { isUtf8 } from 'node:buffer';

/** Lines named in the message; the rest are counted. */
const LINES_SHOWN = 3;
/** Characters of the valid text before a bad byte shown, to find it in the sheet. */
const CONTEXT_CHARS = 20;

export class SheetEncodingError extends Error {
  override name = 'SheetEncodingError';
}

/** The file's text, without a UTF-8 byte-order mark; throws SheetEncodingError naming the lines that are not UTF-8. */
export function decodeSheet(bytes: Uint8Array): string {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new SheetEncodingError(`expected UTF-8 text, got UTF-16 (byte-order mark 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)}); ${EXPORT_HINT}`);
  }
  if (isUtf8(bytes)) return new TextDecoder().decode(bytes); // drops a byte-order mark
  const bad = physicalLines(bytes).filter((line) => !isUtf8(line.bytes));
  const shown = bad.slice(0, LINES_SHOWN).map(({ number, bytes: line }) => {
    const at = firstInvalidByte(line);
    const before = new TextDecoder().decode(line.subarray(0, at)).slice(-CONTEXT_CHARS);
    return `line ${number} (byte 0x${hex(line[at]!)}${before === '' ? ' at its start' : ` after ${JSON.stringify(before)}`})`;
  });
  const more = bad.length > LINES_SHOWN ? ` and ${bad.length - LINES_SHOWN} more line${bad.length - LINES_SHOWN > 1 ? 's' : ''}` : '';
  throw new SheetEncodingError(
    `expected UTF-8 text, got bytes that are not UTF-8 on ${shown.join(', ')}${more} — a Windows-1252 or Latin-1 export, as Excel's plain "CSV" writes; ${EXPORT_HINT}`,
  );
}

const EXPORT_HINT = 'export the sheet as "CSV UTF-8 (Comma delimited)" and import that file';

const hex = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/**
 * The physical lines, numbered as the CSV reader numbers them (CRLF, LF and a lone CR each end one). Latin-1 maps
 * each byte to one character and back, so the split runs on the bytes; line-end bytes never occur inside a UTF-8
 * sequence, nor in the single-byte encodings a sheet may come in.
 */
function physicalLines(bytes: Uint8Array): { number: number; bytes: Buffer }[] {
  return Buffer.from(bytes).toString('latin1').split(/\r\n|\r|\n/).map((text, i) => ({ number: i + 1, bytes: Buffer.from(text, 'latin1') }));
}

/** Offset of the first byte of the first sequence that is not UTF-8, in a line known to hold one. */
function firstInvalidByte(line: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let sequenceStart = 0;
  for (let i = 0; i < line.length; i += 1) {
    try {
      // Fed one byte at a time, the decoder returns a character when a sequence completes and throws at the first
      // byte that cannot continue or start one: the bad sequence began after the last character returned.
      if (decoder.decode(line.subarray(i, i + 1), { stream: true }) !== '') sequenceStart = i + 1;
    } catch {
      return sequenceStart;
    }
  }
  return sequenceStart;
}
