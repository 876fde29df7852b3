import { Injectable, Logger } from '@nestjs/common';
import { InvalidInputError } from '@app/common';
import { EndpointAddressPolicy } from '../domain/endpoint-address-policy';
import { EndpointResolver } from './ports/endpoint-resolver';

/**
 * Refuses worker endpoints that resolve to an address the {@link EndpointAddressPolicy} blocks, so
 * an API caller cannot point the service at itself, its host or the cloud metadata service.
 *
 * When the host does not resolve, the endpoint is ACCEPTED: a worker may be registered before its
 * DNS record exists, and registering checks nothing remote (the controller may be offline). That
 * is safe because the CML client checks every resolved address again when it connects, which also
 * covers names that change later (DNS rebinding). This check is the early, friendly 400; the
 * connect-time check is the guarantee.
 */
@Injectable()
export class EndpointGuard {
  private readonly logger = new Logger(EndpointGuard.name);

  constructor(
    private readonly resolver: EndpointResolver,
    private readonly policy: EndpointAddressPolicy,
  ) {}

  /**
   * @param endpoint a normalized worker endpoint, `https://host[:port]`.
   * @throws InvalidInputError (field `endpoint`) when any resolved address is blocked.
   */
  async assertAllowed(endpoint: string): Promise<void> {
    const host = new URL(endpoint).hostname;
    let addresses: string[];
    try {
      addresses = await this.resolver.resolve(host);
    } catch (error) {
      this.logger.warn(
        { endpoint, code: (error as { code?: unknown } | null)?.code },
        'worker endpoint host does not resolve; accepted, the CML client checks it when connecting',
      );
      return;
    }
    for (const address of addresses) {
      const verdict = this.policy.check(address);
      if (!verdict.allowed) {
        // Every address counts: a connection may use any of them.
        throw new InvalidInputError(
          `endpoint resolves to a blocked address: ${endpoint} ${verdict.reason}` +
            ' (CML_ALLOW_PRIVATE_ENDPOINTS can allow the range)',
          [{ field: 'endpoint', message: verdict.reason }],
        );
      }
    }
  }
}
