/** One audit event as `GET /api/audit-events` returns it. */
export interface AuditEventView {
  source: string;
  id: string;
  type: string;
  subject: string | null;
  time: string;
  workerId: string;
  labId: string;
  data: Record<string, unknown>;
  receivedAt: string;
}
