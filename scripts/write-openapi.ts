// `npm run openapi`: writes openapi.yaml from the route schemas (the file frontend teams
// generate clients from) and the types of the typed client package (clients/typescript/).
// test/openapi.test.ts fails when either committed file is stale.
import { mkdirSync, writeFileSync } from 'node:fs'
import { renderOpenapiYaml } from './openapi-document.js'
import { OPENAPI_TYPES_FILE, renderOpenapiTypes } from './openapi-types.js'

const yaml = await renderOpenapiYaml()
writeFileSync(new URL('../openapi.yaml', import.meta.url), yaml)
mkdirSync(new URL('.', OPENAPI_TYPES_FILE), { recursive: true })
writeFileSync(OPENAPI_TYPES_FILE, await renderOpenapiTypes(yaml))
process.stdout.write('openapi.yaml and clients/typescript/src/openapi-types.ts written\n')
