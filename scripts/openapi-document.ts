// The OpenAPI document as YAML without a running upstream, for `npm run openapi` and the
// document tests: builds the app against a placeholder configuration (it never listens or
// fetches) and asks @fastify/swagger for it. Not in src/, where only server.ts may import app.ts.
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openapiYaml } from '../src/http/plugins/docs.js'

export async function renderOpenapiYaml (): Promise<string> {
  const config = loadConfig({
    HUBSOFT_URL: 'http://127.0.0.1:9',
    HUBSOFT_CLIENT_ID: 'placeholder',
    HUBSOFT_CLIENT_SECRET: 'placeholder',
    HUBSOFT_USERNAME: 'placeholder',
    HUBSOFT_PASSWORD: 'placeholder',
    API_KEYS: 'placeholder:placeholder-key-0123456789:read',
    LOG_LEVEL: 'silent'
  })
  const app = await buildApp(config)
  try {
    await app.ready()
    return openapiYaml(app)
  } finally {
    await app.close()
  }
}
