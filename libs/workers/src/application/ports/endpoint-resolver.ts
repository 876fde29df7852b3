/** Resolves a worker endpoint's host to IP addresses, so the address policy can check them. */
export abstract class EndpointResolver {
  /**
   * Every address `host` resolves to; an IP literal resolves to itself.
   *
   * @throws when the name does not resolve (unknown name, DNS unreachable).
   */
  abstract resolve(host: string): Promise<string[]>;
}
