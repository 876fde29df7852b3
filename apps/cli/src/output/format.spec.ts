import { plural, shortTime } from './format';

describe('shortTime', () => {
  it('is UTC to the second', () => {
    expect(shortTime('2026-12-01T14:11:22.987+01:00')).toBe('2026-12-01 13:11:22Z');
  });

  it('is empty for none and the text itself for what is not a time', () => {
    expect(shortTime(null)).toBe('');
    expect(shortTime(undefined)).toBe('');
    expect(shortTime('soon')).toBe('soon');
  });
});

describe('plural', () => {
  it('counts', () => {
    expect(plural(1, 'lab')).toBe('1 lab');
    expect(plural(0, 'lab')).toBe('0 labs');
    expect(plural(3, 'lab matches', 'labs match')).toBe('3 labs match');
  });
});
