/** `code` of the socket error raised when the address policy refuses a connection. */
export const CML_BLOCKED_ADDRESS_CODE = 'ECMLBLOCKEDADDRESS';

/**
 * Socket-level error for a connection refused by the address policy. It carries a `code` like the
 * errors of `net`, so it travels through http and CmlHttpTransport unchanged and the transport error mapper can
 * turn it into `CmlUnavailableError` with reason `blocked_address`.
 */
export class CmlBlockedAddressError extends Error {
  readonly code = CML_BLOCKED_ADDRESS_CODE;

  constructor(
    readonly host: string,
    readonly address: string,
    reason: string,
  ) {
    // The host name and address only: the message ends up in CmlUnavailableError, shown to users.
    super(`refused to connect: ${host} ${reason}; ` + 'CML_ALLOW_PRIVATE_ENDPOINTS can allow the range');
    this.name = 'CmlBlockedAddressError';
  }
}
