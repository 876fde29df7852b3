import fc from 'fast-check';
import { instantBefore, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['7d', 7 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['30m', 30 * 60_000],
    ['45s', 45_000],
    ['2w', 14 * 86_400_000],
    ['1d12h', 36 * 3_600_000],
    ['12h1d', 36 * 3_600_000],
    [' 7D ', 7 * 86_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '7',
    'd',
    '-7d',
    '+7d',
    '1.5h',
    '7 d',
    '7days',
    '0d',
    '0h0m',
    '7d ago',
    'h7',
    '99999999999999999w',
  ])('refuses %p', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('adds up the segments it is written in, whatever their order', () => {
    const unit = fc.constantFrom(['s', 1_000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), unit), { minLength: 1, maxLength: 5 }),
        (parts) => {
          const text = parts.map(([n, [u]]) => `${n}${u}`).join('');
          const expected = parts.reduce((sum, [n, [, ms]]) => sum + n * (ms as number), 0);
          expect(parseDuration(text)).toBe(expected);
        },
      ),
    );
  });
});

describe('instantBefore', () => {
  it('is the ISO-8601 instant that long before now', () => {
    expect(instantBefore(new Date('2026-12-08T10:00:00.000Z'), 7 * 86_400_000)).toBe(
      '2026-12-01T10:00:00.000Z',
    );
  });
});
