import { useState } from 'react';
import type { WebSettings } from '../api/types';
import { beginOidcLogin, decodeClaims } from '../auth/session';

/** Sign in with the OIDC provider (code + PKCE) when a client id is configured, or paste a bearer token. */
export function LoginPage(props: {
  settings: WebSettings;
  onToken: (t: string) => void;
  error?: string | null;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(props.error ?? null);
  const oidc = props.settings.auth?.clientId ? props.settings.auth : null;

  return (
    <main className="login" id="main">
      <h1>Sign in to cml-labs</h1>
      {error ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : null}
      {oidc ? (
        <section className="panel">
          <h2>Single sign-on</h2>
          <p className="muted small">{oidc.issuer}</p>
          <button
            type="button"
            className="primary"
            onClick={() =>
              beginOidcLogin(oidc.issuer, oidc.clientId!).catch((e: Error) => setError(e.message))
            }
          >
            Log in with SSO
          </button>
        </section>
      ) : null}
      <section className="panel">
        <h2>Paste a token</h2>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            const t = token.trim().replace(/^Bearer\s+/i, '');
            if (!decodeClaims(t)) {
              setError('That does not look like a JWT (three base64url parts).');
              return;
            }
            props.onToken(t);
          }}
        >
          <label htmlFor="token">Bearer token (JWT)</label>
          <textarea id="token" rows={4} value={token} onChange={(e) => setToken(e.target.value)} required />
          <p className="hint">
            Kept in this tab's session storage only. Roles come from its{' '}
            {props.settings.roleClaims?.length
              ? props.settings.roleClaims.map((p) => p.join('.')).join(', ')
              : 'roles'}{' '}
            claim.
          </p>
          <button type="submit">Use this token</button>
        </form>
      </section>
    </main>
  );
}
