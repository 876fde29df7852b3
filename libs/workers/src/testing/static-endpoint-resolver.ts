import { EndpointResolver } from '../application/ports/endpoint-resolver';

/**
 * An EndpointResolver with fixed answers: an IP literal resolves to itself, a listed name to its
 * addresses, any other name fails as an unknown name does (ENOTFOUND).
 */
export class StaticEndpointResolver extends EndpointResolver {
  /** Every host asked for, in order. */
  readonly asked: string[] = [];

  constructor(private readonly answers: Record<string, string[]> = {}) {
    super();
  }

  async resolve(host: string): Promise<string[]> {
    this.asked.push(host);
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bare) || bare.includes(':')) return [bare];
    const answer = this.answers[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [...answer];
  }
}
