import { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { basePinoHttpOptions, correlationIdOf } from './correlation-id';

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('correlation ids', () => {
  it('prefers the trace id of a traceparent, then x-correlation-id, then a new id', () => {
    expect(
      correlationIdOf(request({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })),
    ).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(
      correlationIdOf(
        request({ 'ce-traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
      ),
    ).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(correlationIdOf(request({ 'x-correlation-id': 'abc-1' }))).toBe('abc-1');
    expect(correlationIdOf(request({ 'x-correlation-id': 'has spaces; and injection\n' }))).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect(correlationIdOf(request({ traceparent: 'garbage' }))).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('log redaction', () => {
  it('never writes authorization headers, cookies, passwords or tokens', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const options = basePinoHttpOptions('info', ['*.password', '*.token', 'password', 'token']);
    const logger = pino({ level: 'info', redact: options.redact as pino.LoggerOptions['redact'] }, sink);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'session=s3cr3t' } },
        body: { password: 'cml-p@ss', username: 'admin' },
        token: 'tok-123',
        worker: { token: 'tok-456' },
      },
      'worker registered',
    );
    const out = lines.join('');
    for (const secret of ['eyJsecret', 's3cr3t', 'cml-p@ss', 'tok-123', 'tok-456'])
      expect(out).not.toContain(secret);
    expect(out).toContain('admin');
    expect(out).toContain('[redacted]');
  });
});
