import fc from 'fast-check';
import { CHAT_FIELD_MAX_LENGTH, chatField, cleanChatField } from './chat-text';

/** What a hostile CML user can put in a lab title or user name, in any order. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<',
        '>',
        '&',
        '[',
        ']',
        '(',
        ')',
        '*',
        '_',
        '~',
        '`',
        '\\',
        '#',
        '|',
        '!',
        '@',
        ':',
        '/',
        '.',
        '<!channel>',
        '<!here>',
        '<@U024BE7LH>',
        '<#C123|general>',
        '<https://evil.example|login>',
        '[login](https://evil.example)',
        '![x](https://evil.example/p.png)',
        'https://',
        'www.',
        'evil.example',
        'mailto:a@evil.example',
        '&amp;',
        '&lt;',
        '&#60;',
        '\\[',
        '\u202e',
        '\u2066',
        '\u200b',
        '\ufeff',
        '\u0000',
        '\u0007',
        '\u001b[31m',
        '\n',
        '\r\n',
        '\t',
        '\u2028',
        '\u0085',
        '\ud800',
        'a',
        'Z',
        '9',
        ' ',
        'é',
        '日本',
        '😀',
      ),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

const MARKDOWN_SPECIAL = new Set(['\\', '`', '*', '_', '~', '[', ']', '(', ')', '<', '>', '#', '|', '&']);

/** True when every markdown-significant character is backslash-escaped (and every backslash escapes one). */
function fullyEscapedMarkdown(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') {
      if (!MARKDOWN_SPECIAL.has(s[i + 1] ?? '')) return false;
      i++;
    } else if (MARKDOWN_SPECIAL.has(s[i])) {
      return false;
    }
  }
  return true;
}

// Nothing a chat client could turn into a link by itself: no scheme separator, no host-like dot.
const AUTOLINKABLE = /:\/\/|[\p{L}\p{N}]\.[\p{L}\p{N}]/u;
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;

describe('chatField', () => {
  describe('slack (mrkdwn)', () => {
    it.each([
      ['<!channel> hi', '&lt;!channel&gt; hi'],
      ['<@U024BE7LH>', '&lt;@U024BE7LH&gt;'],
      ['<https://evil.example|your CML login>', '&lt;https[:]//evil[.]example|your CML login&gt;'],
      ['R&D <lab>', 'R&amp;D &lt;lab&gt;'],
      ['&lt;already&gt;', '&amp;lt;already&amp;gt;'],
      ['see www.evil.example or a@evil.example', 'see www[.]evil[.]example or a@evil[.]example'],
      ['BGP lab v1.2', 'BGP lab v1[.]2'],
      ['ends with a dot.', 'ends with a dot.'],
      ['two\nlines\r\nand\ttabs', 'two lines and tabs'],
      ['\u202eevil\u2066 \u200bzero\u0000width\u001b[31m', 'evil zerowidth[31m'],
      ['  padded   out  ', 'padded out'],
      ['plain lab 7', 'plain lab 7'],
    ])('%j -> %j', (input, expected) => {
      expect(chatField(input, 'slack')).toBe(expected);
    });

    it('never leaves a < or > (no mention, no <url|text> link) nor a bare &', () => {
      fc.assert(
        fc.property(hostile, (s) => {
          const out = chatField(s, 'slack');
          expect(out).not.toMatch(/[<>]/);
          expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
          expect(out).not.toMatch(AUTOLINKABLE);
          expect(out).not.toMatch(INVISIBLE_OR_CONTROL);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('markdown (Teams, Webex, Mattermost)', () => {
    it.each([
      ['[login](https://evil.example)', '\\[login\\]\\(https\\[:\\]//evil\\[.\\]example\\)'],
      ['**bold** _it_ ~s~ `code`', '\\*\\*bold\\*\\* \\_it\\_ \\~s\\~ \\`code\\`'],
      ['# heading | cell', '\\# heading \\| cell'],
      ['back\\slash', 'back\\\\slash'],
      ['<at>boss</at> &amp;', '\\<at\\>boss\\</at\\> \\&amp;'],
      ['plain lab 7', 'plain lab 7'],
    ])('%j -> %j', (input, expected) => {
      expect(chatField(input, 'markdown')).toBe(expected);
    });

    it('never leaves a markdown-significant character unescaped, so no [..](..) link, emphasis or HTML', () => {
      fc.assert(
        fc.property(hostile, (s) => {
          const out = chatField(s, 'markdown');
          expect(fullyEscapedMarkdown(out)).toBe(true);
          expect(out).not.toMatch(AUTOLINKABLE);
          expect(out).not.toMatch(INVISIBLE_OR_CONTROL);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('length', () => {
    it(`cuts at ${CHAT_FIELD_MAX_LENGTH} characters with an ellipsis, and never inside a character`, () => {
      expect(cleanChatField('x'.repeat(121))).toBe(`${'x'.repeat(119)}…`);
      expect(cleanChatField('x'.repeat(120))).toBe('x'.repeat(120));
      expect(cleanChatField('😀'.repeat(200))).toBe(`${'😀'.repeat(119)}…`);
    });

    it('keeps every cleaned field within the limit, before escaping', () => {
      fc.assert(
        fc.property(hostile, fc.integer({ min: 1, max: 200 }), (s, max) => {
          const out = cleanChatField(s, max);
          expect(Array.from(out).length).toBeLessThanOrEqual(max);
          expect(out).not.toMatch(INVISIBLE_OR_CONTROL);
          expect(out).toBe(out.trim());
        }),
      );
    });

    it('leaves plain words alone', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,10}( [A-Za-z0-9]{1,10}){0,8}$/), (s) => {
          expect(chatField(s, 'slack')).toBe(s);
          expect(chatField(s, 'markdown')).toBe(s);
        }),
      );
    });
  });
});
