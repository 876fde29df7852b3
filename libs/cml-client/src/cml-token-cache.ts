/**
 * Holds one worker's session token and makes sure concurrent callers share a single login
 * (single-flight), both for the first login and for re-login after a 401.
 */
export class CmlTokenCache {
  // ES private fields: invisible to util.inspect / JSON.stringify, so a logged client leaks nothing.
  #token: string | undefined;
  #pending: Promise<string> | undefined;
  readonly #login: () => Promise<string>;

  constructor(login: () => Promise<string>) {
    this.#login = login;
  }

  /** The cached token, logging in (once for all concurrent callers) when there is none. */
  get(): Promise<string> {
    return this.#token !== undefined ? Promise.resolve(this.#token) : this.#loginOnce();
  }

  /**
   * A token other than `rejected`. When another caller already replaced the rejected token, that
   * one is reused, so a burst of 401s after expiry still costs a single login.
   */
  renew(rejected: string): Promise<string> {
    if (this.#token !== undefined && this.#token !== rejected) {
      return Promise.resolve(this.#token);
    }
    this.#token = undefined;
    return this.#loginOnce();
  }

  /** Forgets the token, e.g. when the client is disposed. */
  clear(): void {
    this.#token = undefined;
  }

  #loginOnce(): Promise<string> {
    this.#pending ??= this.#login()
      .then((token) => {
        this.#token = token;
        return token;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}
