// A real OpenID provider for Tillit's tests and demo: the certified `oidc-provider` package,
// standing in for a region's identity provider (the login page says "Region Norrfjälls
// inloggning"). Started by the HTTP tests (one per test), by `scripts/e2e` and by hand:
//
//   node e2e/oidc/provider.mjs [--port 0] [--client-id tillit] [--client-secret …]
//
// prints `oidc provider listening on http://127.0.0.1:PORT` when ready.
//
// Accounts: whatever is typed on its login page is the account — `sub` and `email` are the
// address typed, `email_verified` is true unless the address starts with `unverified.`, `name`
// comes from the table below (else the part before @), and `upn` repeats the address.
//
// Beside the real provider, `/rogue/<defect>/` serves a provider that misbehaves on purpose, for
// the failure tests: its discovery, keys and authorisation are in order, but the ID token it
// issues is signed with a key it never published (`bad-signature`), expired (`expired`), names
// another issuer (`wrong-issuer`), is for another client (`wrong-audience`) or carries the nonce
// of another sign-in (`wrong-nonce`). `/rogue/elsewhere/` publishes discovery that names
// another issuer than its own address.
import http from 'node:http';
import { Buffer } from 'node:buffer';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const PORT = Number(arg('port', process.env.OIDC_PORT || '0'));
const CLIENT_ID = arg('client-id', process.env.OIDC_CLIENT_ID || 'tillit');
const CLIENT_SECRET = arg('client-secret', process.env.OIDC_CLIENT_SECRET || 'tillit-test-secret');

const NAMES = {
  'samordnare@norrfjall.example': 'Sara Samordnare',
  'systemagare@norrfjall.example': 'Sven Systemägare',
  'ny.medarbetare@norrfjall.example': 'Nora Nyanställd',
};

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

const loginPage = (uid, client, error) => `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Region Norrfjälls inloggning</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}
label,input,button{display:block;width:100%;margin:.4rem 0;font-size:1rem}
input,button{padding:.5rem;box-sizing:border-box}.err{color:#a00}</style></head>
<body><main><h1>Region Norrfjälls inloggning</h1>
<p>Logga in för att fortsätta till ${escape(client)}.</p>
${error ? `<p class="err" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Användarnamn</label><input id="login" name="login" autocomplete="username" required>
<label for="password">Lösenord</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Logga in</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Avbryt</button></form>
</main></body></html>`;

const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'norrfjall-1', alg: 'RS256', use: 'sig' };
const published = { ...(await jose.exportJWK(publicKey)), kid: 'norrfjall-1', alg: 'RS256', use: 'sig' };
// The key the rogue provider signs with when its signature must not verify: same key id, never
// published.
const { privateKey: unpublished } = await jose.generateKeyPair('RS256');

let provider;
let base;

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, base);
    if (url.pathname.startsWith('/rogue/')) return await rogue(req, res, url);
    const m = url.pathname.match(/^\/interaction\/([^/]+)(\/login|\/abort)?$/);
    if (m) return await interaction(req, res, m[1], m[2]);
    return provider.callback()(req, res);
  } catch (e) {
    console.error(e);
    if (!res.headersSent) send(res, 500, 'text/plain', String(e));
  }
});

async function interaction(req, res, uid, step) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/plain', 'interaction mismatch');
  if (details.prompt.name === 'consent') {
    // Tillit is the region's own service: consent is given without asking (the provider asks
    // for it on every native client's sign-in).
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope('openid email profile');
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (!step && req.method === 'GET') {
    const client = await provider.Client.find(details.params.client_id);
    return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, client?.clientName || 'Tillit'));
  }
  if (req.method !== 'POST') return send(res, 405, 'text/plain', 'method not allowed');
  if (step === '/abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'Inloggningen avbröts',
    }, { mergeWithLastSubmission: false });
  }
  const form = await readForm(req);
  const login = (form.get('login') || '').trim().toLowerCase();
  if (!login) {
    return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, 'Tillit', 'Ange ditt användarnamn.'));
  }
  return provider.interactionFinished(req, res, { login: { accountId: login } },
    { mergeWithLastSubmission: false });
}

function claimsOf(login) {
  const email = login.includes('@') ? login : `${login}@norrfjall.example`;
  return {
    sub: login,
    email,
    email_verified: !login.startsWith('unverified.'),
    name: NAMES[email] || login.split('@')[0],
    upn: email,
  };
}

async function rogue(req, res, url) {
  const [, , defect, endpoint] = url.pathname.split('/');
  const issuer = `${base}/rogue/${defect}`;
  if (endpoint === '.well-known') {
    return send(res, 200, 'application/json', JSON.stringify({
      issuer: defect === 'elsewhere' ? 'https://idp.elsewhere.example' : issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    }));
  }
  if (endpoint === 'jwks') {
    return send(res, 200, 'application/json', JSON.stringify({ keys: [published] }));
  }
  if (endpoint === 'auth') {
    const p = url.searchParams;
    const code = Buffer.from(JSON.stringify({
      nonce: p.get('nonce'), client_id: p.get('client_id'), login: p.get('login_hint') || 'samordnare@norrfjall.example',
    })).toString('base64url');
    const back = new URL(p.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', p.get('state') || '');
    res.writeHead(303, { location: back.toString() });
    return res.end();
  }
  if (endpoint === 'token' && req.method === 'POST') {
    const form = await readForm(req);
    const code = JSON.parse(Buffer.from(form.get('code') || '', 'base64url').toString('utf8') || '{}');
    const now = Math.floor(Date.now() / 1000);
    const expired = defect === 'expired';
    const nonce = defect === 'wrong-nonce' ? 'a-nonce-of-another-sign-in' : code.nonce;
    const idToken = await new jose.SignJWT({ ...claimsOf(code.login), nonce })
      .setProtectedHeader({ alg: 'RS256', kid: 'norrfjall-1' })
      .setIssuer(defect === 'wrong-issuer' ? 'https://idp.elsewhere.example' : issuer)
      .setAudience(defect === 'wrong-audience' ? 'another-client' : (code.client_id || CLIENT_ID))
      .setIssuedAt(expired ? now - 7200 : now)
      .setExpirationTime(expired ? now - 3600 : now + 300)
      .sign(defect === 'bad-signature' ? unpublished : privateKey);
    return send(res, 200, 'application/json', JSON.stringify({
      access_token: 'rogue-access-token', token_type: 'Bearer', expires_in: 300, id_token: idToken,
    }));
  }
  return send(res, 404, 'text/plain', 'not found');
}

server.listen(PORT, '127.0.0.1', () => {
  base = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(base, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      client_name: 'Tillit',
      // A native client on the loopback address: its redirect URIs match on any port, so that
      // every test's Tillit (on a port of its own) may use it.
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/sso/callback', 'http://localhost/sso/callback'],
      post_logout_redirect_uris: ['http://127.0.0.1/login', 'http://localhost/login'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [signingJwk] },
    cookies: { keys: ['tillit-test-provider-cookie-key'] },
    pkce: { required: () => true },
    claims: {
      openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'upn'],
    },
    // The claims of the requested scopes go into the ID token itself, as most regions'
    // providers do.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => claimsOf(id) }),
    // Tillit is the region's own service: no consent screen.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Fel</title></head>
<body><main><h1>Inloggningen misslyckades</h1><pre>${escape(JSON.stringify(out, null, 2))}</pre></main></body></html>`;
    },
  });
  provider.on('server_error', (_ctx, e) => console.error('server_error', e));
  console.log(`oidc provider listening on ${base}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
