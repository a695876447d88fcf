import { describe, expect, it } from 'vitest';
import { parseXYCsv, type ParseXYResult } from '../../src/ml/csv';

function accepted(result: ParseXYResult) {
  if (!result.ok) throw new Error(`expected the data to be accepted, got: ${result.error}`);
  return result;
}

function rejected(result: ParseXYResult): string {
  if (result.ok) throw new Error('expected the data to be rejected');
  return result.error;
}

describe('parseXYCsv: good data', () => {
  it('reads numbers without a header', () => {
    const r = accepted(parseXYCsv('1,2\n3.5,-4\n-0.25,1e3\n'));
    expect(r.hasHeader).toBe(false);
    expect(Array.from(r.points.x)).toEqual([1, 3.5, -0.25]);
    expect(Array.from(r.points.y)).toEqual([2, -4, 1000]);
    expect(r.points.x).toBeInstanceOf(Float32Array);
    expect(r.warnings).toEqual([]);
  });

  it('reads numbers under a header row', () => {
    const r = accepted(parseXYCsv('hours,score\n1,50\n2,60\n3,72'));
    expect(r.hasHeader).toBe(true);
    expect(Array.from(r.points.x)).toEqual([1, 2, 3]);
    expect(Array.from(r.points.y)).toEqual([50, 60, 72]);
  });

  it('reads CRLF line endings, a byte-order mark, spaces and quoted numbers', () => {
    const r = accepted(parseXYCsv('\uFEFFx,y\r\n 1 , 2 \r\n"3",4\r\n\r\n'));
    expect(r.hasHeader).toBe(true);
    expect(Array.from(r.points.x)).toEqual([1, 3]);
    expect(Array.from(r.points.y)).toEqual([2, 4]);
  });

  it('accepts blank trailing lines silently and warns about blank lines in between', () => {
    expect(accepted(parseXYCsv('1,2\n3,4\n\n\n   \n')).warnings).toEqual([]);
    const r = accepted(parseXYCsv('1,2\n\n3,4\n'));
    expect(r.points.x.length).toBe(2);
    expect(r.warnings).toEqual(['Skipped 1 blank line.']);
  });

  it('reads tab- and semicolon-separated data', () => {
    const tab = accepted(parseXYCsv('x\ty\n1\t2\n3\t4\n'));
    expect(tab.hasHeader).toBe(true);
    expect(Array.from(tab.points.y)).toEqual([2, 4]);
    const semi = accepted(parseXYCsv('1;2\r\n3;4\r\n5;6'));
    expect(Array.from(semi.points.x)).toEqual([1, 3, 5]);
  });

  it('warns about very large values but accepts them', () => {
    const r = accepted(parseXYCsv('1,2\n3,250000\n'));
    expect(r.warnings.join(' ')).toMatch(/large/);
  });
});

describe('parseXYCsv: rejected data, naming the row', () => {
  it('rejects a ragged row', () => {
    expect(rejected(parseXYCsv('x,y\n1,2\n3,4,5\n6,7\n'))).toBe('Row 3 has 3 values; every row needs exactly 2 (x and y).');
    expect(rejected(parseXYCsv('1,2\n3\n'))).toMatch(/^Row 2 has 1 value;/);
  });

  it('hints at the decimal comma when a comma-separated row splits into too many whole numbers', () => {
    expect(rejected(parseXYCsv('1,5,2,5\n3,5,4,5\n'))).toMatch(/^Row 1 has 4 values;.*decimal comma/);
  });

  it('rejects a text cell', () => {
    expect(rejected(parseXYCsv('x,y\n1,2\n2,3\n4,abc\n'))).toBe('Row 4: "abc" in column 2 is not a number.');
    expect(rejected(parseXYCsv('1,2\n0x10,3\n'))).toBe('Row 2: "0x10" in column 1 is not a number.');
  });

  it('rejects NaN', () => {
    expect(rejected(parseXYCsv('1,2\nNaN,3\n'))).toBe('Row 2: "NaN" in column 1 is not a number.');
    // A NaN in the first row is bad data, not a header.
    expect(rejected(parseXYCsv('1,NaN\n1,2\n3,4\n'))).toBe('Row 1: "NaN" in column 2 is not a number.');
  });

  it('rejects Infinity', () => {
    expect(rejected(parseXYCsv('1,2\n3,Infinity\n'))).toMatch(/^Row 2: "Infinity" in column 2 is infinite/);
    expect(rejected(parseXYCsv('1,2\n-inf,3\n'))).toMatch(/^Row 2: "-inf" in column 1 is infinite/);
  });

  it('rejects numbers too large for float32, such as 1e400', () => {
    expect(rejected(parseXYCsv('1,2\n3,4\n5,1e400\n'))).toMatch(/^Row 3: "1e400" in column 2 is too large/);
    expect(rejected(parseXYCsv('1,2\n1e39,4\n'))).toMatch(/^Row 2: "1e39" in column 1 is too large/);
  });

  it('rejects a decimal comma', () => {
    expect(rejected(parseXYCsv('1;2\n3;1,5\n'))).toBe(
      'Row 2: "1,5" in column 2 uses a comma as the decimal mark; write it with a point instead, like 1.5.',
    );
    expect(rejected(parseXYCsv('x,y\n1,2\n"1,5",2\n'))).toMatch(/^Row 3: "1,5" in column 1 uses a comma/);
  });

  it('rejects an empty cell and an unclosed quote', () => {
    expect(rejected(parseXYCsv('1,2\n3,\n'))).toBe('Row 2: column 2 is empty.');
    expect(rejected(parseXYCsv('1,2\n3,"4\n5,6\n'))).toMatch(/^Row 2: a quotation mark/);
  });

  it('counts rows as the lines a person sees, with CRLF, blank lines and a header', () => {
    expect(rejected(parseXYCsv('x,y\r\n1,2\r\n\r\n3,4\r\n5,oops\r\n'))).toBe('Row 5: "oops" in column 2 is not a number.');
    expect(rejected(parseXYCsv('1,2\r3,4\r5,x\r'))).toMatch(/^Row 3:/);
  });

  it('rejects data over the size limit, saying the limit', () => {
    const big = Array.from({ length: 200 }, (_, i) => `${i},${i * 2}`).join('\n');
    expect(big.length).toBeGreaterThan(1000);
    expect(rejected(parseXYCsv(big, { maxBytes: 1000 }))).toBe('The data is too big: the limit is 1 KB.');
    expect(rejected(parseXYCsv('x'.repeat(1_000_001)))).toMatch(/limit is 1 MB/);
    // Multi-byte characters count by their UTF-8 size.
    expect(rejected(parseXYCsv(`é,y\n1,2\n3,4\n`.padEnd(60, ' '), { maxBytes: 60 }))).toMatch(/60 bytes/);
  });

  it('rejects more rows than the row limit, saying the limit', () => {
    const rows = (n: number): string => Array.from({ length: n }, (_, i) => `${i},${i}`).join('\n');
    expect(accepted(parseXYCsv(`x,y\n${rows(10)}\n\n`, { maxRows: 10 })).points.x.length).toBe(10);
    expect(rejected(parseXYCsv(rows(11), { maxRows: 10 }))).toBe('The data has more than 10 rows; the limit is 10.');
    expect(rejected(parseXYCsv(rows(5001)))).toBe('The data has more than 5,000 rows; the limit is 5,000.');
  });

  it('rejects fewer than two points', () => {
    expect(rejected(parseXYCsv(''))).toMatch(/empty; at least 2 points/);
    expect(rejected(parseXYCsv('\n\n'))).toMatch(/empty; at least 2 points/);
    expect(rejected(parseXYCsv('x,y\n'))).toMatch(/header row but no numbers; at least 2 points/);
    expect(rejected(parseXYCsv('x,y\n1,2\n'))).toMatch(/only 1 point; at least 2/);
  });
});
