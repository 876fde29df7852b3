import { UsageError } from '../cli-errors';
import { resolveConnection } from './connection';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
const files: Record<string, string> = {
  '/run/token': `${TOKEN}\n`,
  '/run/empty': '  \n',
  '/run/bearer': `Bearer ${TOKEN}`,
};
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return text;
};
const resolve = (options: Record<string, unknown>, env: Record<string, string> = {}) =>
  resolveConnection({ timeoutMs: 1000, ...options }, env, readFile);

describe('resolveConnection', () => {
  it('defaults to the API on this machine, with no token', () => {
    expect(resolve({})).toEqual({
      baseUrl: 'http://localhost:8080',
      token: null,
      insecure: false,
      timeoutMs: 1000,
    });
  });

  it('takes --url over CML_LABS_URL and drops a trailing slash, keeping a base path', () => {
    expect(resolve({}, { CML_LABS_URL: 'https://labs.example.com/' }).baseUrl).toBe(
      'https://labs.example.com',
    );
    expect(resolve({ url: 'https://gw.example.com/cml-labs/' }, { CML_LABS_URL: 'http://x' }).baseUrl).toBe(
      'https://gw.example.com/cml-labs',
    );
  });

  it.each(['not a url', 'ftp://host', 'https://user:pw@host', 'https://host/?a=1'])(
    'refuses the URL %p',
    (url) => {
      expect(() => resolve({ url })).toThrow(UsageError);
    },
  );

  it('takes the token from --token, --token-file, CML_LABS_TOKEN, CML_LABS_TOKEN_FILE, in that order', () => {
    const env = { CML_LABS_TOKEN: 'from-env', CML_LABS_TOKEN_FILE: '/run/token' };
    expect(resolve({ token: 'from-flag' }, env).token).toBe('from-flag');
    expect(resolve({ tokenFile: '/run/token' }, { CML_LABS_TOKEN: 'from-env' }).token).toBe(TOKEN);
    expect(resolve({}, env).token).toBe('from-env');
    expect(resolve({}, { CML_LABS_TOKEN_FILE: '/run/token' }).token).toBe(TOKEN);
  });

  it('takes "Bearer " off a token pasted with it', () => {
    expect(resolve({ tokenFile: '/run/bearer' }).token).toBe(TOKEN);
  });

  it('refuses --token with --token-file, an empty or unreadable file, a token of several lines', () => {
    expect(() => resolve({ token: TOKEN, tokenFile: '/run/token' })).toThrow(
      'either --token or --token-file',
    );
    expect(() => resolve({ tokenFile: '/run/empty' })).toThrow('is empty');
    expect(() => resolve({ tokenFile: '/run/missing' })).toThrow(
      'Cannot read the token file of --token-file (/run/missing): ENOENT',
    );
    expect(() => resolve({ token: `${TOKEN}\nX-Injected: 1` })).toThrow('not a single line');
  });

  it('never puts the token into an error message', () => {
    try {
      resolve({ token: `${TOKEN} two` });
      throw new Error('no error');
    } catch (error) {
      expect((error as Error).message).not.toContain(TOKEN);
    }
  });
});
