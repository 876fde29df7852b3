/**
 * A URL as a table shows it: without credentials and with its query elided, since a sink URL may carry a key
 * (`https://hooks.example.com/x?token=...`) and a table ends up in terminals, logs and tickets. `--json` still
 * prints what the API answered.
 */
export function displayUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  return `${url.protocol}//${url.host}${url.pathname}${url.search !== '' ? '?…' : ''}`;
}
