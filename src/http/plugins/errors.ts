// One error model: every failure — our catalogue's, Fastify's validation and framework errors,
// unknown paths, wrong methods — answers `{"status":"error","msg","code"}` with the status
// the catalogue gives the code (the README's "Errors" paragraph). 5xx bodies are generic and
// the error goes to the log. What each route documents is error-docs.ts's job.
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import { ERROR_CATALOGUE, MethodNotAllowedError, RouteNotFoundError } from '../../errors.js'
import type { ErrorCode } from '../../errors.js'
import { ParameterError } from '../../hubsoft/parameters.js'

declare module 'fastify' {
  interface FastifyReply {
    /** The catalogue code this reply answers with, once an error envelope was sent (metrics count them). */
    errorCode: ErrorCode | null
  }
}

interface ValidationIssue {
  keyword: string
  instancePath: string
  message?: string
  params: Record<string, unknown>
}

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query parameter', params: 'path parameter', headers: 'header', body: 'body field' }

/** "query parameter limit must be >= 1" from ajv's first issue. */
function describeValidation (context: string | undefined, issues: readonly ValidationIssue[]): string {
  const issue = issues[0]
  const where = CONTEXT_NAMES[context ?? ''] ?? 'parameter'
  if (issue === undefined) return `invalid ${where}`
  if (issue.keyword === 'required') return `${where} ${String(issue.params.missingProperty)} is required`
  const name = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const allowed = Array.isArray(issue.params.allowedValues) ? `: ${issue.params.allowedValues.join(', ')}` : ''
  return `${where} ${name} ${issue.message ?? 'is invalid'}${allowed}`
}

/** Fastify's and its plugins' own 4xx errors, with a message that never echoes the request. */
const FRAMEWORK_ERRORS: Record<string, { code: ErrorCode, msg: string }> = {
  FST_ERR_BAD_URL: { code: 'invalid_request', msg: 'The URL is not validly percent-encoded' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'invalid_parameter', msg: 'A path parameter is longer than 200 characters' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', msg: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', msg: 'The request body has a content type this route does not read' },
  FST_CP_ERR_INVALID_CONTENT_ENCODING: { code: 'unsupported_media_type', msg: 'The request body has a content encoding this service does not read' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', msg: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_request', msg: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_request', msg: 'The body is not valid JSON' },
  // @fastify/multipart, on the token route: a token request is a few short fields, never a file.
  FST_PARTS_LIMIT: { code: 'payload_too_large', msg: 'The multipart body has too many parts' },
  FST_FIELDS_LIMIT: { code: 'payload_too_large', msg: 'The multipart body has too many fields' },
  FST_FILES_LIMIT: { code: 'payload_too_large', msg: 'The multipart body carries a file; only fields are read' },
  FST_PROTO_VIOLATION: { code: 'invalid_request', msg: 'The multipart body has a field this service does not read' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'unsupported_media_type', msg: 'The request body is not multipart' }
}

interface ErrorAnswer {
  readonly code: ErrorCode
  readonly msg: string
}

/** Our catalogue's code of an error (@fastify/error upper-cases codes), or null for a foreign error. */
function catalogueCode (error: FastifyError): ErrorCode | null {
  const code = typeof error.code === 'string' ? error.code.toLowerCase() : ''
  return Object.hasOwn(ERROR_CATALOGUE, code) ? code as ErrorCode : null
}

/** The envelope for any thrown error; null for an unexpected one (a 500 whose details are logged). */
export function errorAnswer (error: FastifyError): ErrorAnswer | null {
  if (error.validation !== undefined) {
    return { code: 'invalid_parameter', msg: describeValidation(error.validationContext, error.validation as ValidationIssue[]) }
  }
  // query/ and hubsoft/ know no HTTP: a malformed parameter they report is answered here.
  if (error instanceof ParameterError) return { code: 'invalid_parameter', msg: error.message }
  const code = catalogueCode(error)
  if (code !== null) return { code, msg: error.message }
  const framework = FRAMEWORK_ERRORS[String(error.code)]
  if (framework !== undefined) return framework
  if (error instanceof SyntaxError && error.statusCode === 400) return { code: 'invalid_request', msg: 'The body is not valid JSON' }
  return null
}

/** Headers a snapshot answer may have set before it failed: an error must not look cacheable. */
const SUCCESS_ONLY_HEADERS = ['etag', 'last-modified', 'cache-control', 'content-encoding', 'content-length', 'x-snapshot-age', 'x-snapshot-version']

function sendError (reply: FastifyReply, code: ErrorCode, msg: string) {
  for (const header of SUCCESS_ONLY_HEADERS) reply.removeHeader(header)
  reply.errorCode = code
  return reply.code(ERROR_CATALOGUE[code].status).type('application/json; charset=utf-8').send({ status: 'error', msg, code })
}

function handleError (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const answer = errorAnswer(error)
  if (answer !== null) return sendError(reply, answer.code, answer.msg)
  request.log.error({ err: error }, 'request failed')
  return sendError(reply, 'internal_error', 'Internal server error')
}

/** Fastify's `frameworkErrors` option: errors raised before routing (bad URL encoding, over-long parameters). */
export const frameworkErrors = handleError

/** What Node's HTTP parser refuses before any route exists, by the code it answers with. */
const CLIENT_ERRORS = {
  headers_too_large: 'The request head is larger than 16 KiB',
  invalid_request: 'The request is not valid HTTP/1.1'
} as const satisfies Partial<Record<ErrorCode, string>>

export type ClientErrorCode = keyof typeof CLIENT_ERRORS

function clientErrorCode (error: NodeJS.ErrnoException): ClientErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large'
  return 'invalid_request'
}

/**
 * Fastify's `clientErrorHandler`: Node's parser errors (RFC 6585 §5 431, 400) answer the
 * envelope too, then the connection is closed; `refused` counts them.
 */
export function clientErrors (refused: (code: ClientErrorCode) => void) {
  return function handleClientError (error: NodeJS.ErrnoException, socket: Duplex): void {
    // A reset or closed connection (Node closes a timed-out one itself) has no one to answer.
    if (error.code === 'ECONNRESET' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || socket.destroyed) return
    const code = clientErrorCode(error)
    refused(code)
    // Node's own rule: never a second head on a connection whose answer has begun.
    const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
    if (socket.writable && !answering) {
      const status = ERROR_CATALOGUE[code].status
      const body = JSON.stringify({ status: 'error', msg: CLIENT_ERRORS[code], code })
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
    }
    socket.destroy()
  }
}

const METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

async function errorsPlugin (app: FastifyInstance) {
  app.decorateReply('errorCode', null)
  app.setErrorHandler(handleError)

  // A path that exists under other methods is a 405 with Allow (RFC 9110 §15.5.6), not a 404.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0]!
    const shownPath = path.slice(0, 200)
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null)
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '))
      return sendError(reply, 'method_not_allowed', new MethodNotAllowedError(request.method, shownPath, allowed.join(', ')).message)
    }
    return sendError(reply, 'route_not_found', new RouteNotFoundError(request.method, shownPath).message)
  })
}

export default fp(errorsPlugin, { name: 'errors' })
