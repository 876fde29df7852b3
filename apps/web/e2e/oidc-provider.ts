/**
 * A minimal OpenID provider for the console's single sign-on test: discovery, an authorization endpoint that
 * approves at once (no login form) and a token endpoint that redeems a code only with the PKCE verifier of its
 * challenge (RFC 7636, S256), for the client and redirect URI it was issued to, once. Access tokens are HS256,
 * signed with the API's AUTH_JWT_SECRET, as an identity provider would issue them for the API's audience.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  nonce?: string;
}

export interface TokenRequest {
  code: string;
  codeVerifier: string;
  /** Whether the verifier matched the code's challenge (the code is refused otherwise). */
  verified: boolean;
}

export class TestOidcProvider {
  url = '';
  /** The claims the next access token carries (besides iss, aud, sub, exp). */
  roles: string[] = ['viewer'];
  readonly authorizeRequests: AuthorizeRequest[] = [];
  readonly tokenRequests: TokenRequest[] = [];
  private readonly codes = new Map<string, AuthorizeRequest>();
  private server?: Server;

  constructor(
    private readonly secret: string,
    private readonly audience: string,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    // The console calls discovery and the token endpoint from its own origin.
    res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Allow-Methods': 'GET, POST',
      });
      res.end();
      return;
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      this.json(res, 200, {
        issuer: this.url,
        authorization_endpoint: `${this.url}/authorize`,
        token_endpoint: `${this.url}/token`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['HS256'],
      });
      return;
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      const request: AuthorizeRequest = {
        clientId: q.get('client_id') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
        scope: q.get('scope') ?? '',
        state: q.get('state') ?? '',
        codeChallenge: q.get('code_challenge') ?? '',
        codeChallengeMethod: q.get('code_challenge_method') ?? '',
        nonce: q.get('nonce') ?? undefined,
      };
      this.authorizeRequests.push(request);
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, request);
      const back = new URL(request.redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', request.state);
      res.writeHead(302, { Location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const code = form.get('code') ?? '';
      const verifier = form.get('code_verifier') ?? '';
      const issued = this.codes.get(code);
      this.codes.delete(code);
      const verified =
        !!issued &&
        issued.codeChallengeMethod === 'S256' &&
        createHash('sha256').update(verifier).digest('base64url') === issued.codeChallenge;
      this.tokenRequests.push({ code, codeVerifier: verifier, verified });
      if (
        !issued ||
        !verified ||
        form.get('grant_type') !== 'authorization_code' ||
        form.get('client_id') !== issued.clientId ||
        form.get('redirect_uri') !== issued.redirectUri
      ) {
        this.json(res, 400, { error: 'invalid_grant' });
        return;
      }
      const sign = (claims: object, audience: string) =>
        jwt.sign(claims, this.secret, {
          algorithm: 'HS256',
          issuer: this.url,
          audience,
          subject: 'sso-user',
          expiresIn: '10m',
        });
      this.json(res, 200, {
        token_type: 'Bearer',
        expires_in: 600,
        scope: issued.scope,
        access_token: sign({ roles: this.roles }, this.audience),
        id_token: sign(issued.nonce ? { nonce: issued.nonce } : {}, issued.clientId),
      });
      return;
    }
    res.writeHead(404).end();
  }
}
