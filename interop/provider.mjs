// A loopback OpenID Provider for interop tests: `oidc-provider` (a certified OpenID Provider
// implementation) configured to issue RFC 9068 JWT access tokens for the client_credentials grant
// with a resource indicator (RFC 8707).
//
// Usage: node provider.mjs [--alg RS256|PS256|ES256] [--port N]
//   or the environment variables INTEROP_ALG and INTEROP_PORT (arguments win).
//   Port 0 (the default) lets the system choose. Once listening, one line goes to stdout:
//     READY {"issuer":"http://127.0.0.1:<port>","port":<port>,"alg":...,"kid":...,
//            "client_id":...,"client_secret":...,"audience":...,"scopes":[...],
//            "token_endpoint":...}
//   Logs and warnings go to stderr. The process exits when stdin closes (its parent went away),
//   on SIGTERM/SIGINT, or after INTEROP_MAX_LIFETIME_SECS (default 300) at the latest.
//
// A fresh signing key is generated for every run; nothing is persisted.

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

import Provider, { errors } from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    alg: { type: 'string' },
    port: { type: 'string' },
  },
  strict: true,
});

const alg = args.alg ?? process.env.INTEROP_ALG ?? 'RS256';
const port = Number(args.port ?? process.env.INTEROP_PORT ?? 0);
const maxLifetime = Number(process.env.INTEROP_MAX_LIFETIME_SECS ?? 300);

const CLIENT_ID = 'interop-m2m-client';
const CLIENT_SECRET = crypto.randomBytes(32).toString('base64url');
const AUDIENCE = 'https://api.interop.example/';
const SCOPES = ['read:messages', 'write:messages'];

function fail(message) {
  process.stderr.write(`provider.mjs: ${message}\n`);
  process.exit(2);
}

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`invalid port ${JSON.stringify(args.port ?? process.env.INTEROP_PORT)}`);
}

function signingKey(algorithm) {
  let pair;
  switch (algorithm) {
    case 'RS256':
    case 'PS256':
      pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      break;
    case 'ES256':
      pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      break;
    default:
      fail(`unsupported algorithm ${JSON.stringify(algorithm)} (use RS256, PS256 or ES256)`);
  }
  const jwk = pair.privateKey.export({ format: 'jwk' });
  return {
    ...jwk,
    kid: `interop-${algorithm.toLowerCase()}-${crypto.randomBytes(6).toString('hex')}`,
    alg: algorithm,
    use: 'sig',
  };
}

const key = signingKey(alg);

// Listen first: the issuer identifier carries the port the system chose.
const server = http.createServer((_req, res) => {
  res.statusCode = 503;
  res.end();
});

server.listen(port, '127.0.0.1', () => {
  const { port: bound } = server.address();
  // No trailing slash: `iss` in the tokens and `issuer` in discovery are exactly this string.
  const issuer = `http://127.0.0.1:${bound}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
        scope: SCOPES.join(' '),
      },
    ],
    clientDefaults: {
      id_token_signed_response_alg: alg,
    },
    jwks: { keys: [key] },
    // Auth0's path, so that an Auth0 Authentication API client finds it; the JWKS stays at the
    // provider's own `/jwks` (only discovery tells where).
    routes: { token: '/oauth/token' },
    scopes: ['openid', 'offline_access', ...SCOPES],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => AUDIENCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resourceIndicator) => {
          if (resourceIndicator !== AUDIENCE) {
            throw new errors.InvalidTarget();
          }
          return {
            audience: AUDIENCE,
            scope: SCOPES.join(' '),
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },
  });

  provider.on('server_error', (_ctx, err) => {
    process.stderr.write(`provider.mjs: server_error: ${err?.stack ?? err}\n`);
  });
  provider.on('grant.error', (_ctx, err) => {
    process.stderr.write(`provider.mjs: grant.error: ${err?.message} ${err?.error_description ?? ''}\n`);
  });

  server.removeAllListeners('request');
  server.on('request', provider.callback());

  const ready = {
    issuer,
    port: bound,
    alg,
    kid: key.kid,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    audience: AUDIENCE,
    scopes: SCOPES,
    token_endpoint: `${issuer}/oauth/token`,
  };
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
});

server.on('error', (err) => fail(`cannot listen: ${err.message}`));

function shutdown() {
  server.close();
  process.exit(0);
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// The parent holds our stdin open; when it goes away (even without killing us), so do we.
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();
setTimeout(shutdown, maxLifetime * 1000).unref();
