// A real OpenID Connect provider (the npm package oidc-provider) on loopback for the tests:
// one client, the service, and any login accepted as an account whose address is the login.
// Usage: node oidc_provider.js <port> <service base URL> <client secret>
const { Provider } = require('oidc-provider');

const [port, service, secret] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'chidao',
    client_secret: secret,
    redirect_uris: [`${service}/login/sso/callback`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, email: id, email_verified: true, name: id }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['chidao-test-cookie-key'] },
  pkce: { required: () => true },
});
provider.listen(port, '127.0.0.1', () => console.log('ready'));
