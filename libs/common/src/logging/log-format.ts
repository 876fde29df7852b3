import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';

export const LOG_FORMATS = ['json', 'pretty'] as const;
/** `json`: one JSON object per line (production, the default). `pretty`: pino-pretty, for a person (`npm run dev`). */
export type LogFormat = (typeof LOG_FORMATS)[number];

type PinoPretty = typeof import('pino-pretty');

/**
 * pino-pretty's stream: every field of the JSON line is shown (hostname too, which pino-pretty hides by default),
 * only laid out for reading. Colour only where pino-pretty's colour check says so (a TTY, unless NO_COLOR;
 * FORCE_COLOR forces it). Synchronous writes, so that nothing is lost when the process exits right after a line.
 */
export function prettyLogStream(
  opts: { destination?: NodeJS.WritableStream; colorize?: boolean } = {},
): DestinationStream {
  let pretty: PinoPretty;
  try {
    // Loaded only when asked for (an import would load it in every process): it is a devDependency, absent
    // from the production images, and a synchronous load keeps the Nest module setup synchronous.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pretty = require('pino-pretty') as PinoPretty;
  } catch {
    throw new Error('LOG_FORMAT=pretty needs the pino-pretty package (a devDependency); use LOG_FORMAT=json');
  }
  return pretty.build({
    colorize: opts.colorize ?? pretty.isColorSupported,
    ignore: '',
    translateTime: 'SYS:HH:MM:ss.l',
    sync: true,
    ...(opts.destination ? { destination: opts.destination } : {}),
  });
}

/** nestjs-pino's `pinoHttp` setting for a format: the options alone write JSON to stdout. */
export function pinoHttpForFormat(
  options: Options,
  format: LogFormat,
): Options | [Options, DestinationStream] {
  return format === 'pretty' ? [options, prettyLogStream()] : options;
}
