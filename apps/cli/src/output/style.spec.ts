import { wantsColor } from './style';

describe('wantsColor', () => {
  it('colours a terminal only, and never with NO_COLOR', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    // no-color.org: an empty NO_COLOR does not count.
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });
});
