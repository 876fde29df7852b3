/**
 * Everything needed to talk to one CML controller ("worker").
 *
 * The password is kept only inside the client (it is needed to log in again when the token expires);
 * it is never logged, never put into error messages and never reported to observers.
 */
export interface CmlConnectionSettings {
  /** Stable id of the worker in our inventory; used in errors and metrics. */
  workerId: string;
  /** Base URL of the controller, `https://host[:port]` (no `/api/v0`; a trailing slash is tolerated). */
  endpoint: string;
  username: string;
  password: string;
  /** Verify the controller's TLS certificate. Turn off only for lab controllers with self-signed certs. */
  verifyTls: boolean;
  /** Extra trusted CA (PEM) for controllers signed by a private CA; keeps verification on. */
  caCertPem?: string | null;
  /** Hard deadline for each HTTP request, login included. */
  timeoutMs: number;
}
