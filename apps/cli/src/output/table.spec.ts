import { Style } from './style';
import { formatTable } from './table';

interface Row {
  name: string;
  count: number;
  note?: string;
}

const columns = [
  { header: 'NAME', value: (r: Row) => r.name },
  { header: 'COUNT', value: (r: Row) => r.count, numeric: true },
  { header: 'NOTE', value: (r: Row) => r.note },
];

describe('formatTable', () => {
  it('aligns columns under their headers, numbers to the right, no trailing spaces', () => {
    const text = formatTable(columns, [
      { name: 'alpha', count: 1, note: 'first' },
      { name: 'b', count: 1234 },
    ]);
    expect(text).toBe(['NAME   COUNT  NOTE', 'alpha      1  first', 'b       1234', ''].join('\n'));
  });

  it('shows only the header for no rows', () => {
    expect(formatTable(columns, [])).toBe('NAME  COUNT  NOTE\n');
  });

  it('makes control characters from the API harmless and measures by code point', () => {
    const text = formatTable(columns, [
      { name: 'evil\u001b[2J\nx', count: 1 },
      { name: 'ünï😀', count: 2 },
    ]);
    expect(text).not.toContain('\u001b');
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('evil\ufffd[2J\ufffdx  ');
    // 'ünï😀' is 4 code points: padded to the 10 of the first name, then the count right-aligned in 5.
    expect(text).toContain(`ünï😀${' '.repeat(6 + 2 + 4)}2`);
  });

  it('colours a cell without counting the escape codes as width', () => {
    const style = new Style(true);
    const text = formatTable(
      [
        { header: 'STATUS', value: (r: { s: string }) => r.s, paint: (t: string) => style.status(t) },
        { header: 'X', value: () => 'x' },
      ],
      [{ s: 'failed' }, { s: 'succeeded' }],
    );
    expect(text).toBe(
      ['STATUS     X', '\u001b[31mfailed\u001b[0m     x', '\u001b[32msucceeded\u001b[0m  x', ''].join('\n'),
    );
  });
});

describe('Style', () => {
  it('paints nothing without colour', () => {
    expect(new Style(false).status('failed')).toBe('failed');
  });
});
