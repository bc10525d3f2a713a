// POST /oauth/token: the drop-in for HubSoft's own token route, so an integration
// written against HubSoft only changes its base URL. client_id is an API key's name and
// client_secret the key; the answer is a short-lived random token bound to that key's scopes.
// Not an upstream call: HubSoft's credential never leaves the service. The body comes as the
// clients HubSoft serves send it: JSON, a form, or multipart (PHP posts arrays so), with the
// client credentials in it or in HTTP Basic (README, "Drop-in").
import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { InvalidCredentialsError, InvalidRequestError } from '../../errors.js'
import { clientFromBasic } from '../plugins/auth/credentials.js'
import { OAuthErrorSchema, TokenRequestSchema, TokenSchema } from '../schemas/oauth.js'

/**
 * A token request is a handful of short fields: anything larger is not one. Files are refused
 * outright (busboy stops at the first), so nothing is ever buffered but these fields.
 */
const MULTIPART_LIMITS = { fields: 16, fieldNameSize: 64, fieldSize: 2048, files: 0, fileSize: 0, parts: 16, headerPairs: 32 } as const

type OAuthFailure = InstanceType<typeof InvalidCredentialsError> | InstanceType<typeof InvalidRequestError>

/** HubSoft's `{error, error_description, message}` (what integrations check) with our envelope beside it. */
function refuse (reply: FastifyReply, failure: OAuthFailure) {
  const code = failure.code.toLowerCase() as 'invalid_credentials' | 'invalid_request'
  reply.errorCode = code
  return reply.code(failure.statusCode!).send({
    error: code === 'invalid_credentials' ? 'invalid_credentials' : 'invalid_request',
    error_description: failure.message,
    message: failure.message,
    status: 'error' as const,
    msg: failure.message,
    code
  })
}

export default async function oauthRoutes (app: FastifyInstance) {
  // Form bodies, as many OAuth clients send them (RFC 6749 §4.3.2); this plugin's scope only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
  // multipart/form-data fields as a plain object, as the form parser gives (same scope only).
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: MULTIPART_LIMITS })
  app.addSchema(TokenSchema)
  app.addSchema(OAuthErrorSchema)
  const oauthError = Type.Ref(OAuthErrorSchema)

  app.withTypeProvider<TypeBoxTypeProvider>().post('/oauth/token', {
    // Keyless, but password guessing is rate-limited per address.
    config: { errorCodes: ['rate_limited'] },
    schema: {
      operationId: 'issueToken',
      summary: 'Get a bearer token, as from HubSoft',
      description: "HubSoft's password grant: client_id is an API key's name and client_secret the key, in the body or in HTTP Basic (client_secret_basic, RFC 6749 §2.3.1); username, password and other fields are accepted and ignored. The body may be JSON, a form or multipart (fields only). The token lives ACCESS_TOKEN_TTL and carries the key's scopes; removing the key and restarting revokes it.",
      tags: ['auth'],
      security: [],
      consumes: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
      body: TokenRequestSchema,
      response: { 200: Type.Ref(TokenSchema), 400: oauthError, 401: oauthError }
    }
  }, async (request, reply) => {
    // RFC 6749 §5.1: an answer that can carry a token is never stored by any cache.
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
    const body = request.body ?? {}
    const grantType = body.grant_type ?? 'password'
    if (grantType !== 'password' && grantType !== 'refresh_token') {
      return refuse(reply, new InvalidRequestError('grant_type must be password or refresh_token'))
    }
    // Credentials in the body win; a client that sends them in Basic only (RFC 6749 §2.3.1) is read there.
    const basic = body.client_id === undefined || body.client_secret === undefined ? clientFromBasic(request.headers.authorization) : null
    const clientId = body.client_id ?? basic?.clientId
    const clientSecret = body.client_secret ?? basic?.clientSecret
    if (clientId === undefined || clientSecret === undefined) {
      return refuse(reply, new InvalidRequestError('client_id and client_secret are required, in the body or in HTTP Basic'))
    }
    const client = app.credentials.identifyClient(clientId, clientSecret)
    if (client === null) return refuse(reply, new InvalidCredentialsError())
    if (grantType === 'password') return app.credentials.issue(client)
    const refreshed = body.refresh_token === undefined ? null : app.credentials.refresh(body.refresh_token, client)
    return refreshed ?? refuse(reply, new InvalidCredentialsError())
  })
}
