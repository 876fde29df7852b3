/** Resolved options of the client factory (what `CML_CLIENT_OPTIONS` provides). */
export interface CmlClientOptions {
  /** Default per-request deadline for workers whose settings do not carry their own. */
  timeoutMs: number;
}
