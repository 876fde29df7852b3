import type { DownloadedFile } from '../api/client';

/** Hands a fetched file to the browser's download, under its name, and lets the object URL go afterwards. */
export function saveFile({ blob, fileName }: DownloadedFile): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked once the download has taken the URL: at once would cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
