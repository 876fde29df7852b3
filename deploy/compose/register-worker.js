// One-shot of deploy/compose.yaml: registers the simulator as a worker through the API, trusting the
// certificate the simulator wrote, with an admin token minted from the compose file's AUTH_* values.
// A worker of that name already there (409) is success: the compose project was started before.
'use strict';
const { readFileSync, existsSync } = require('node:fs');
const { setTimeout: sleep } = require('node:timers/promises');
const jwt = require('jsonwebtoken');

async function main() {
  const env = process.env;
  for (let i = 0; !existsSync(env.WORKER_CA_FILE); i++) {
    if (i === 60) throw new Error(`${env.WORKER_CA_FILE} did not appear: is the simulator running?`);
    await sleep(1000);
  }
  const token = jwt.sign(
    { sub: 'compose-setup', resource_access: { [env.AUTH_AUDIENCE]: { roles: ['admin'] } } },
    env.AUTH_JWT_SECRET,
    { algorithm: 'HS256', issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, expiresIn: '5m' },
  );
  const res = await fetch(`${env.API_URL}/api/workers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'compose-simulator',
      endpoint: env.WORKER_ENDPOINT,
      username: env.WORKER_USERNAME,
      password: env.WORKER_PASSWORD,
      caCertPem: readFileSync(env.WORKER_CA_FILE, 'utf8'),
    }),
  });
  const body = await res.text();
  if (res.status === 409) return console.log('worker compose-simulator is registered already');
  if (!res.ok) throw new Error(`POST /api/workers answered ${res.status}: ${body}`);
  console.log(`registered worker ${JSON.parse(body).id} (${env.WORKER_ENDPOINT})`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
