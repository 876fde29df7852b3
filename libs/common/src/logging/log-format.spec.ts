import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { multistream, type DestinationStream } from 'pino';
import { pinoHttp } from 'pino-http';
import { basePinoHttpOptions } from './correlation-id';
import { pinoHttpForFormat, prettyLogStream } from './log-format';

/** Collects what a stream is given. */
class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Every leaf of a JSON object as [dotted path, value]. */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [[path, value]];
}

/**
 * One real request through pino-http with the service's options (basePinoHttpOptions), written to every stream
 * (the same line to each): the "request completed" line, with the correlation id, the request, the response and
 * a field a handler adds.
 */
async function logOneRequest(...streams: DestinationStream[]): Promise<void> {
  const stream = multistream(streams.map((s) => ({ stream: s })));
  const log = pinoHttp(
    { ...basePinoHttpOptions('info', []), customProps: () => ({ workerId: 'w-7' }) },
    stream,
  );
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    log(req, res);
    res.statusCode = 204;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await fetch(`http://127.0.0.1:${port}/api/workers/w-7?limit=5`, {
    headers: { 'x-correlation-id': 'corr-42', authorization: 'Bearer secret-token' },
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('log formats', () => {
  it('json (the default) writes the options alone: pino writes JSON lines to stdout', () => {
    const options = basePinoHttpOptions('info', []);
    expect(pinoHttpForFormat(options, 'json')).toBe(options);
    const [same, stream] = pinoHttpForFormat(options, 'pretty') as [unknown, DestinationStream];
    expect(same).toBe(options);
    expect(typeof stream.write).toBe('function');
  });

  it('pretty shows every field of the JSON line, the same values, and the secrets redacted the same', async () => {
    const json = new Collect();
    const out = new PassThrough();
    const pretty = new Collect();
    out.pipe(pretty);
    await logOneRequest(json, prettyLogStream({ destination: out, colorize: false }));
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.parse(json.text.trim()) as Record<string, unknown>;
    const text = pretty.text;

    expect(line).toMatchObject({ req: { id: 'corr-42' }, workerId: 'w-7', msg: 'request completed' });
    const shown = leaves(line).filter(
      ([path]) => !['time', 'level', 'msg', 'pid', 'hostname'].includes(path),
    );
    expect(shown.length).toBeGreaterThan(10);
    for (const [path, value] of shown) {
      // Nested fields are printed as their own key inside the parent object.
      const key = path.split('.').pop()!;
      expect({ path, key: text.includes(`${key}`) }).toEqual({ path, key: true });
      expect({ path, value: text.includes(String(value)) }).toEqual({ path, value: true });
    }
    // The header line: time (translated), level name, pid and hostname, message.
    expect(text).toMatch(
      new RegExp(
        `^\\[\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\] INFO \\(${String(line.pid)} on ${String(line.hostname)}\\): request completed$`,
        'm',
      ),
    );
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('secret-token');
    expect(json.text).not.toContain('secret-token');
  });

  it('colours only when asked (pino-pretty decides from the TTY by default)', async () => {
    const out = new PassThrough();
    const coloured = new Collect();
    out.pipe(coloured);
    await logOneRequest(prettyLogStream({ destination: out, colorize: true }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(coloured.text).toContain('\u001b[');

    const plainOut = new PassThrough();
    const plain = new Collect();
    plainOut.pipe(plain);
    await logOneRequest(prettyLogStream({ destination: plainOut, colorize: false }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(plain.text).not.toContain('\u001b[');
  });
});
