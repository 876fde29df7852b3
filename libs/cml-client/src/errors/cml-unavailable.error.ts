import { CmlError, type CmlErrorDetails } from './cml.error';

/** Why a worker is considered unavailable; lets callers tell "down" from "misconfigured TLS". */
export type CmlUnavailableReason =
  | 'server_error'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns_failure'
  | 'host_unreachable'
  | 'tls_failure'
  /** The endpoint is or resolves to an address the SSRF policy forbids (loopback, metadata, ...). */
  | 'blocked_address'
  | 'network_error';

/** The worker could not serve the request: 5xx, or the connection failed before any answer. */
export class CmlUnavailableError extends CmlError {
  readonly outcome = 'unavailable';
  readonly reason: CmlUnavailableReason;

  constructor(message: string, details: CmlErrorDetails & { reason: CmlUnavailableReason }) {
    super(message, details);
    this.reason = details.reason;
  }
}
