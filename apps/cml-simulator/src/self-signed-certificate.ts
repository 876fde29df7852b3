import { isIP } from 'node:net';
import selfsigned from 'selfsigned';

/** A PEM key and certificate pair for the HTTPS listener. */
export interface TlsMaterial {
  key: string;
  cert: string;
}

/** subjectAltName entry types from RFC 5280 as node-forge numbers them. */
const SAN_DNS = 2;
const SAN_IP = 7;

/**
 * Generates a self-signed certificate for 127.0.0.1 and localhost (plus `extraHosts`: where the simulator listens
 * elsewhere, or the loopback addresses the benchmark gives its workers). It is its own CA (cA, keyCertSign) so a client can pass it as `ca` and keep full verification,
 * which is how the real service must talk to a CML controller with a private CA.
 */
export function generateSelfSignedCertificate(extraHosts?: string | string[]): TlsMaterial {
  const altNames: { type: number; value?: string; ip?: string }[] = [
    { type: SAN_IP, ip: '127.0.0.1' },
    { type: SAN_IP, ip: '::1' },
    { type: SAN_DNS, value: 'localhost' },
  ];
  const extra = extraHosts === undefined ? [] : Array.isArray(extraHosts) ? extraHosts : [extraHosts];
  for (const host of extra) {
    if (!host || ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(host)) continue;
    altNames.push(isIP(host) ? { type: SAN_IP, ip: host } : { type: SAN_DNS, value: host });
  }
  const pems = selfsigned.generate([{ name: 'commonName', value: 'cml-simulator' }], {
    days: 365,
    keySize: 2048,
    // selfsigned defaults to SHA-1, which OpenSSL 3 refuses at its default security level.
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
