// The error envelope and its code list, both derived from the catalogue in src/errors.ts, and
// the OpenAPI responses a route gets for the codes it can answer.
import { Type } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'
import { ERROR_CATALOGUE, ERROR_CODE_LIST } from '../../errors.js'
import type { ErrorCode, ErrorEntry } from '../../errors.js'

const codeList = ERROR_CODE_LIST.map((code) => `- \`${code}\` (${ERROR_CATALOGUE[code].status}): ${ERROR_CATALOGUE[code].description}`).join('\n')

export const ErrorCodeSchema = Type.Unsafe<ErrorCode>({
  $id: 'ErrorCode',
  type: 'string',
  enum: [...ERROR_CODE_LIST],
  description: `Stable machine-readable error code. Clients branch on it, never on msg.\n\n${codeList}`
})

export const ErrorEnvelopeSchema = Type.Object({
  status: Type.Literal('error', { description: 'Always error.' }),
  msg: Type.String({ description: 'What went wrong, for a person; may change wording between versions.' }),
  code: Type.Ref(ErrorCodeSchema)
}, {
  $id: 'ErrorEnvelope',
  description: "Every error answer: HubSoft's envelope plus a stable code.",
  examples: [{ status: 'error', msg: 'query parameter limit must be >= 1', code: 'invalid_parameter' }]
})

/** `{ 400: <envelope described with its codes>, 404: … }` for the given codes, grouped by status. */
export function errorResponses (codes: Iterable<ErrorCode>): Record<number, TSchema> {
  const byStatus = new Map<number, Set<ErrorCode>>()
  for (const code of codes) {
    const { status } = ERROR_CATALOGUE[code]
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code))
  }
  const responses: Record<number, TSchema> = {}
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const entries = [...statusCodes].map((code) => [code, ERROR_CATALOGUE[code] as ErrorEntry] as const)
    const description = entries.map(([code, entry]) => `\`${code}\`: ${entry.description}`).join(' ')
    const headers = Object.fromEntries(entries.flatMap(([, entry]) => Object.entries(entry.headers ?? {}))
      .map(([name, headerDescription]) => [name, Type.String({ description: headerDescription })]))
    responses[status] = Object.keys(headers).length === 0
      ? Type.Ref(ErrorEnvelopeSchema, { description })
      : { ...Type.Ref(ErrorEnvelopeSchema, { description }), headers }
  }
  return responses
}
