import { decodeSheet, SheetEncodingError } from '../../../src/hierarchy/sheet-text';

const HINT = 'export the sheet as "CSV UTF-8 (Comma delimited)" and import that file';
const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

/** The message decodeSheet throws with (failing the test when it does not throw a SheetEncodingError). */
function refusal(input: Uint8Array): string {
  try {
    decodeSheet(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SheetEncodingError);
    return (error as Error).message;
  }
  throw new Error('decodeSheet accepted the bytes');
}

describe('decodeSheet', () => {
  it('reads UTF-8, with its multi-byte letters, and drops a byte-order mark', () => {
    expect(decodeSheet(bytes([0xef, 0xbb, 0xbf], 'region,branch\r\nỌlá Àdé,YABA\r\n'))).toBe('region,branch\r\nỌlá Àdé,YABA\r\n');
  });

  it('refuses Windows-1252 text, naming each line with a bad byte, the byte and the text before it', () => {
    // "Adé" and "Ìbàdàn" as Excel's plain CSV writes them (é = 0xE9, Ì = 0xCC); line 3 is plain ASCII.
    const sheet = bytes('officer_email,branch\r\nade@x.ng,Ad', [0xe9], '\r\nbola@x.ng,YABA\r\n', [0xcc], 'badan,OJO\r\n');
    expect(refusal(sheet)).toBe(
      'expected UTF-8 text, got bytes that are not UTF-8 on line 2 (byte 0xE9 after "ade@x.ng,Ad"), line 4 (byte 0xCC at its start) ' +
        `— a Windows-1252 or Latin-1 export, as Excel's plain "CSV" writes; ${HINT}`,
    );
  });

  it('numbers lines as the CSV reader does (CRLF, LF and a lone CR), names three and counts the rest', () => {
    const sheet = bytes('h\ra', [0xe9], '\nb', [0xe9], '\r\nc', [0xe9], '\nd', [0xe9], '\re', [0xe9]);
    expect(refusal(sheet)).toBe(
      'expected UTF-8 text, got bytes that are not UTF-8 on line 2 (byte 0xE9 after "a"), line 3 (byte 0xE9 after "b"), line 4 (byte 0xE9 after "c") ' +
        `and 2 more lines — a Windows-1252 or Latin-1 export, as Excel's plain "CSV" writes; ${HINT}`,
    );
  });

  it('points at the start of a sequence cut short, after valid multi-byte letters', () => {
    // "Ọ" is E1 BB 8C; E1 BB followed by a comma is cut short.
    expect(refusal(bytes('Ọlá,', [0xe1, 0xbb], ',x\n'))).toBe(
      `expected UTF-8 text, got bytes that are not UTF-8 on line 1 (byte 0xE1 after "Ọlá,") — a Windows-1252 or Latin-1 export, as Excel's plain "CSV" writes; ${HINT}`,
    );
    expect(refusal(bytes('abc', [0xe1, 0xbb]))).toMatch(/^expected UTF-8 text, got bytes that are not UTF-8 on line 1 \(byte 0xE1 after "abc"\)/);
  });

  it('refuses UTF-16, as Excel\'s "Unicode Text" writes, by its byte-order mark', () => {
    expect(refusal(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('officer_email\r\n', 'utf16le')]))).toBe(`expected UTF-8 text, got UTF-16 (byte-order mark 0xFF 0xFE); ${HINT}`);
    expect(refusal(bytes([0xfe, 0xff, 0x00, 0x61]))).toBe(`expected UTF-8 text, got UTF-16 (byte-order mark 0xFE 0xFF); ${HINT}`);
  });
});
