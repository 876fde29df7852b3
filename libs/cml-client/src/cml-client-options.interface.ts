/** Resolved options of the client factory (what `CML_CLIENT_OPTIONS` provides). */
export interface CmlClientOptions {
  /** Default per-request deadline for workers whose settings do not carry their own. */
  timeoutMs: number;
  /**
   * CIDR ranges clients may connect to although the address policy blocks them by default
   * (loopback, link-local, ...). Absent or empty: everything the policy blocks stays blocked.
   */
  allowedPrivateCidrs?: string[];
}
