import { Response } from 'express';
import { sendCmlError } from './cml-error-middleware';
import { FaultRegistry } from './fault-registry';
import { PendingDelays } from './pending-delays';
import { PublicRouteName } from './public-route-name';
import { UNAUTHORIZED_DESCRIPTIONS } from './token-issuer';

/** A page a reverse proxy in front of CML might send with status 200; clients must not take it for data. */
const BAD_BODY_HTML =
  '<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>';

/** The page nginx answers for a path it has no route for, as a reverse proxy in front of CML would. */
export const FOREIGN_404_HTML =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/**
 * Applies the faults that act before the real handler runs: first a `latency` fault (delay, then carry on), then
 * at most one of `error`, `hang`, `unauthorized`, `bad_body` or `foreign_404`, which answer in place of the handler.
 * Returns true when the request has been dealt with (answered, or deliberately left hanging).
 */
export async function applyRequestFaults(
  faults: FaultRegistry,
  delays: PendingDelays,
  route: PublicRouteName,
  labId: string | undefined,
  res: Response,
): Promise<boolean> {
  const latency = faults.take(route, labId, ['latency']);
  if (latency) {
    await delays.wait(latency.latencyMs ?? 0);
  }
  const fault = faults.take(route, labId, [
    'error',
    'hang',
    'unauthorized',
    'bad_body',
    'foreign_404',
    'replace_json',
  ]);
  if (!fault) {
    return false;
  }
  switch (fault.kind) {
    case 'error': {
      const status = fault.status ?? 500;
      sendCmlError(res, status, `Simulated error ${status} on ${route} (fault ${fault.id})`);
      return true;
    }
    case 'hang':
      // Never answer: the socket stays open until the client times out or the simulator closes it.
      return true;
    case 'unauthorized':
      sendCmlError(res, 401, UNAUTHORIZED_DESCRIPTIONS.expired);
      return true;
    case 'bad_body':
      if (fault.body === 'html') {
        res.status(200).type('html').send(BAD_BODY_HTML);
      } else {
        res.status(200).json({ unexpected: true });
      }
      return true;
    case 'replace_json':
      res.status(200).json(fault.json);
      return true;
    case 'foreign_404':
      // Not CML's envelope: a proxy's HTML page, which a client must not read as "lab not found".
      res.status(404).type('html').send(FOREIGN_404_HTML);
      return true;
    default:
      return false;
  }
}
