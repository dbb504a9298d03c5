// The peer: oidc-provider with its in-memory adapter, serving the two grants the bench compares
// (client_credentials; authorization_code issuing an access and a refresh token).
// Usage: node server.mjs PORT   (run with NODE_PATH pointing at the bench cache's node_modules)
// GET /bench/mint?n=N answers N fresh authorization codes, one per line, minted through the
// provider's own models outside the timed window (no interaction pages to drive).
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const REDIRECT = 'https://app.example.com/callback/';
const SCOPE = 'offline_access';

// oidc-provider's bundled memory adapter is an LRU of 1,000 entries (it would evict minted codes
// mid-run); this one keeps everything in Maps for the life of the process.
const stores = new Map();
class MemoryAdapter {
  constructor(model) {
    if (!stores.has(model)) stores.set(model, new Map());
    this.items = stores.get(model);
  }

  async upsert(id, payload) {
    this.items.set(id, payload);
    if (payload.grantId) {
      if (!grantIndex.has(payload.grantId)) grantIndex.set(payload.grantId, []);
      grantIndex.get(payload.grantId).push([this.items, id]);
    }
  }

  async find(id) { return this.items.get(id); }

  async findByUid(uid) {
    for (const payload of this.items.values()) if (payload.uid === uid) return payload;
    return undefined;
  }

  async findByUserCode(userCode) {
    for (const payload of this.items.values()) if (payload.userCode === userCode) return payload;
    return undefined;
  }

  async consume(id) {
    const payload = this.items.get(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { this.items.delete(id); }

  async revokeByGrantId(grantId) {
    for (const [items, id] of grantIndex.get(grantId) || []) items.delete(id);
    grantIndex.delete(grantId);
  }
}
const grantIndex = new Map();

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  clients: [{
    client_id: 'bench',
    client_secret: 'bench-secret-bench-secret-bench-secret',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    redirect_uris: [REDIRECT],
    token_endpoint_auth_method: 'client_secret_post',
    scope: SCOPE,
  }],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
  },
  scopes: ['openid', 'offline_access'],
  pkce: { required: () => false },
  issueRefreshToken: async () => true,
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
});

async function mint(n) {
  const client = await provider.Client.find('bench');
  const codes = [];
  for (let i = 0; i < n; i += 1) {
    const grant = new provider.Grant({ accountId: `user-${i}`, clientId: 'bench' });
    grant.addOIDCScope(SCOPE);
    const grantId = await grant.save();
    const code = new provider.AuthorizationCode({
      accountId: `user-${i}`,
      client,
      grantId,
      scope: SCOPE,
      redirectUri: REDIRECT,
      authTime: Math.floor(Date.now() / 1000),
    });
    codes.push(await code.save());
  }
  return codes;
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/bench/mint') {
    ctx.type = 'text/plain';
    ctx.body = (await mint(Number(ctx.query.n || 1))).join('\n');
    return;
  }
  if (ctx.path === '/bench/healthz') {
    ctx.body = { status: 'ok' };
    return;
  }
  await next();
});

provider.listen(port, '127.0.0.1');
