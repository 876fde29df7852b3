/** A lab as the CML controller described it at one moment (GET /labs/{id}). */
export interface CmlLabSnapshot {
  id: string;
  state: string;
  created: string;
  modified: string;
  title: string;
  description: string;
  notes: string;
  owner: string;
  ownerUsername: string;
  ownerFullname: string;
  nodeCount: number;
  linkCount: number;
  groups: unknown[];
}
