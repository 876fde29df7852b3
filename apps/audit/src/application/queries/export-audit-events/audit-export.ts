/** An export, not read yet: the database is read as `chunks` is pulled, and only as fast as it is. */
export interface AuditExport {
  /** The media type, with its charset. */
  contentType: string;
  /** A name for the file, without a path: `audit-events-<UTC time>.<csv|ndjson>`. */
  fileName: string;
  /** The file, in pieces of about EXPORT_CHUNK_CHARS characters. Ending the iteration early stops the read. */
  chunks: AsyncIterable<string>;
}
