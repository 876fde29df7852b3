import { Injectable } from '@nestjs/common';
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { EndpointResolver } from '../../application/ports/endpoint-resolver';

/**
 * Resolves with the system resolver (`getaddrinfo`, so /etc/hosts counts), the same one the CML
 * client's connections use: checking other answers than those we connect to would prove nothing.
 */
@Injectable()
export class DnsEndpointResolver extends EndpointResolver {
  async resolve(host: string): Promise<string[]> {
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare) !== 0) {
      return [bare];
    }
    // verbatim: keep the resolver's order and IPv6 answers; every one of them is checked anyway.
    const answers = await dns.lookup(bare, { all: true, verbatim: true });
    return answers.map((answer) => answer.address);
  }
}
