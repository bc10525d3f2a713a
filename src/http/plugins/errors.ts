// One error handler: every failure answers `{"status":"error","msg","code"}` with the right
// HTTP status (SPEC §4). Schema violations name the parameter and what it accepts; 5xx
// bodies are generic and the error goes to the log instead.
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { ERROR_CODES, RouteNotFoundError } from '../../errors.js'
import type { ErrorCode } from '../../errors.js'

interface ValidationIssue {
  keyword: string
  instancePath: string
  message?: string
  params: Record<string, unknown>
}

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query parameter', params: 'path parameter', headers: 'header', body: 'body field' }

/** "query parameter limit must be >= 1" from ajv's first issue. */
export function describeValidation (context: string | undefined, issues: readonly ValidationIssue[]): string {
  const issue = issues[0]
  const where = CONTEXT_NAMES[context ?? ''] ?? 'parameter'
  if (issue === undefined) return `invalid ${where}`
  if (issue.keyword === 'required') return `${where} ${String(issue.params.missingProperty)} is required`
  const name = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const allowed = Array.isArray(issue.params.allowedValues) ? `: ${issue.params.allowedValues.join(', ')}` : ''
  return `${where} ${name} ${issue.message ?? 'is invalid'}${allowed}`
}

function send (reply: FastifyReply, statusCode: number, code: ErrorCode, msg: string) {
  return reply.code(statusCode).type('application/json; charset=utf-8').send({ status: 'error', msg, code })
}

/** Our catalogue's code of an error (@fastify/error upper-cases codes), or null for a foreign error. */
function catalogueCode (error: FastifyError): ErrorCode | null {
  const code = typeof error.code === 'string' ? error.code.toLowerCase() : ''
  return Object.hasOwn(ERROR_CODES, code) ? code as ErrorCode : null
}

async function errorsPlugin (app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      return send(reply, 400, 'invalid_parameter', describeValidation(error.validationContext, error.validation as ValidationIssue[]))
    }
    const code = catalogueCode(error)
    if (code !== null && error.statusCode !== undefined) {
      return send(reply, error.statusCode, code, error.message)
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own 4xx (body too large, bad media type, bad JSON): its message is safe to show.
      return send(reply, error.statusCode, 'invalid_request', error.message)
    }
    request.log.error({ err: error }, 'request failed')
    return send(reply, 500, 'internal_error', 'Internal server error')
  })

  app.setNotFoundHandler((request, reply) => {
    const error = new RouteNotFoundError(request.method, request.url.split('?', 1)[0]!.slice(0, 200))
    return send(reply, 404, 'route_not_found', error.message)
  })
}

export default fp(errorsPlugin, { name: 'errors' })
