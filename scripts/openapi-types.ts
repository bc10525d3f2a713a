// TypeScript types of openapi.yaml as a frontend team would generate them (openapi-typescript).
// `npm run openapi` commits them into the typed client package (clients/typescript/), whose calls
// the typed-client test type-checks against them; test/openapi.test.ts fails when they are stale.
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript'

export const OPENAPI_TYPES_FILE = new URL('../clients/typescript/src/openapi-types.ts', import.meta.url)

export async function renderOpenapiTypes (openapiYaml: string): Promise<string> {
  return `${COMMENT_HEADER}// Regenerate with \`npm run openapi\`.\n\n${astToString(await openapiTS(openapiYaml))}`
}
