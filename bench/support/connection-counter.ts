import * as diagnosticsChannel from 'node:diagnostics_channel';

let opened = 0;
let subscribed = false;

/**
 * TCP connections this process has opened (Node's `net.client.socket` channel: every client socket, TLS ones
 * included). A keep-alive pool that works opens about one per request in flight; one per request means every
 * request pays a TLS handshake.
 */
export function connectionsOpened(): number {
  if (!subscribed) {
    diagnosticsChannel.subscribe('net.client.socket', () => {
      opened++;
    });
    subscribed = true;
  }
  return opened;
}
