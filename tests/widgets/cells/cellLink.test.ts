import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HASH_LENGTH, readLinkSettings, settingsLength } from '../../../src/shared/shareLink';
import {
  MAX_CELL_LINK_LENGTH,
  MAX_LINKED_CODE_LENGTH,
  cellLinkHash,
  decodeCellCode,
  encodeCellCode,
  readCellLink,
} from '../../../src/widgets/cells/cellLink';

const LESSON = '#/lesson/02-the-update-step';
const CODE = 'let w = 0, b = 0;\nconsole.log(w, b); // «ünïcødé» 🚀\n\t"quotes" & ampersands = + % #?';

async function deflateRaw(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const compressed = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  return 'z' + Buffer.from(compressed).toString('base64url');
}

describe('encodeCellCode / decodeCellCode', () => {
  it('round-trips code with any characters, through a link', async () => {
    const value = await encodeCellCode(CODE);
    expect(value).toMatch(/^z[A-Za-z0-9_-]+$/);
    const hash = cellLinkHash(LESSON, 'update-step', value);
    expect(await decodeCellCode(readCellLink(hash, 'update-step')!)).toEqual({ code: CODE });
  });

  it('round-trips empty code and a leading byte-order mark', async () => {
    expect(await decodeCellCode(await encodeCellCode(''))).toEqual({ code: '' });
    expect(await decodeCellCode(await encodeCellCode('\uFEFFstart with a BOM'))).toEqual({ code: '\uFEFFstart with a BOM' });
  });

  it('round-trips any code (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 3000 }), async (code) => {
        expect(await decodeCellCode(await encodeCellCode(code))).toEqual({ code });
      }),
      { numRuns: 150 },
    );
  });

  it('compresses: a page of ordinary code makes a short link', async () => {
    const page = Array.from({ length: 60 }, (_, i) => `const layer${i} = tf.layers.dense({ units: ${i + 1}, activation: 'relu' });`).join('\n');
    expect((await encodeCellCode(page)).length).toBeLessThan(page.length / 2);
  });

  it('explains truncated and garbled links instead of throwing', async () => {
    const value = await encodeCellCode(CODE.repeat(5));
    const cutShort = [value.slice(0, value.length - 3), value.slice(0, 10), value.slice(0, value.length - 1)];
    for (const broken of [...cutShort, 'z', 'z!!!!', 'zA', 'z' + 'A'.repeat(40), value.replace(/^z/, 'q'), '', value + '%%']) {
      const decoded = await decodeCellCode(broken);
      // A cut that still ends on a whole deflate block could decode; anything else must say why.
      if ('code' in decoded) expect(CODE.repeat(5).startsWith(decoded.code)).toBe(true);
      else expect(decoded.error).toMatch(/so the lesson’s code is shown\.$/);
    }
    expect(await decodeCellCode(value.slice(0, 10))).toEqual({
      error: 'The code in this link could not be read (it may have been cut short when it was copied), so the lesson’s code is shown.',
    });
  });

  it('rejects bytes that are not UTF-8', async () => {
    const decoded = await decodeCellCode(await deflateRaw(new Uint8Array([0x61, 0xff, 0xfe, 0x62])));
    expect(decoded).toEqual({ error: expect.stringMatching(/could not be read/) });
  });

  it('stops inflating a decompression bomb at the cap', async () => {
    const bomb = await deflateRaw(new Uint8Array(30_000_000));
    expect(bomb.length).toBeLessThan(MAX_CELL_LINK_LENGTH);
    expect(await decodeCellCode(bomb)).toEqual({ error: expect.stringMatching(/longer than 100,000 characters/) });
    // Just over the cap in characters (ASCII: one byte each) is also refused.
    const over = await deflateRaw(new TextEncoder().encode('x'.repeat(MAX_LINKED_CODE_LENGTH + 1)));
    expect(await decodeCellCode(over)).toEqual({ error: expect.stringMatching(/longer than/) });
    const at = await deflateRaw(new TextEncoder().encode('x'.repeat(MAX_LINKED_CODE_LENGTH)));
    expect(await decodeCellCode(at)).toEqual({ code: 'x'.repeat(MAX_LINKED_CODE_LENGTH) });
  });

  it('refuses a value over the link cap without reading it', async () => {
    expect(await decodeCellCode('z' + 'A'.repeat(MAX_CELL_LINK_LENGTH))).toEqual({ error: expect.stringMatching(/longer than/) });
  });

  it('will not encode code over the cap', async () => {
    await expect(encodeCellCode('x'.repeat(MAX_LINKED_CODE_LENGTH + 1))).rejects.toThrow(/too long to share/);
  });
});

describe('cellLinkHash / readCellLink', () => {
  it('sets one cell’s key, keeping the route, other cells and other widgets’ settings', () => {
    const start = `${LESSON}?mnist-trainer.epochs=4&cell.other=zAAA`;
    const hash = cellLinkHash(start, 'update-step', 'zBBB');
    expect(hash).toBe(`${LESSON}?mnist-trainer.epochs=4&cell.other=zAAA&cell.update-step=zBBB`);
    expect(cellLinkHash(hash, 'update-step', 'zCCC')).toBe(`${LESSON}?mnist-trainer.epochs=4&cell.other=zAAA&cell.update-step=zCCC`);
    expect(cellLinkHash(hash, 'update-step', undefined)).toBe(start);
    expect(cellLinkHash(LESSON, 'a', 'zA')).toBe(`${LESSON}?cell.a=zA`);
    expect(cellLinkHash(`${LESSON}?cell.a=zA`, 'a', undefined)).toBe(LESSON);
  });

  it('reads the raw value, the last one where given twice', () => {
    expect(readCellLink(`${LESSON}?cell.a=z1&cell.b=z2&cell.a=z3`, 'a')).toBe('z3');
    expect(readCellLink(`${LESSON}?cell.a=z1`, 'b')).toBeUndefined();
    expect(readCellLink(LESSON, 'a')).toBeUndefined();
  });

  it('keeps the other widgets’ settings when a cell’s code makes the link long', async () => {
    const code = Array.from({ length: 3000 }, (_, i) => `v${i * 7919 % 10007}`).join(';');
    const encoded = await encodeCellCode(code);
    const hash = cellLinkHash(`${LESSON}?mnist-trainer.epochs=4`, 'update-step', encoded);
    expect(hash.length).toBeGreaterThan(MAX_HASH_LENGTH);
    expect(settingsLength(hash)).toBe(`${LESSON}?mnist-trainer.epochs=4`.length);
    expect(readLinkSettings(hash, 'mnist-trainer')).toEqual({ values: new Map([['epochs', '4']]), messages: [] });
    expect(await decodeCellCode(readCellLink(hash, 'update-step')!)).toEqual({ code });
  });

  it('still ignores a link whose widget settings alone are over the cap', () => {
    const hash = `${LESSON}?cell.a=zA&mnist-trainer.x=${'1'.repeat(MAX_HASH_LENGTH)}`;
    expect(readLinkSettings(hash, 'mnist-trainer').messages).toEqual([expect.stringMatching(/too long/)]);
  });
});
