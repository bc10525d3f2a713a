// `npm run openapi`: writes openapi.yaml from the route schemas (the file frontend teams
// generate clients from). test/openapi.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs'
import { renderOpenapiYaml } from '../src/http/openapi-document.js'

writeFileSync(new URL('../openapi.yaml', import.meta.url), await renderOpenapiYaml())
process.stdout.write('openapi.yaml written\n')
