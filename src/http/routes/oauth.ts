// POST /oauth/token: the drop-in for HubSoft's own token route, so an integration
// written against HubSoft only changes its base URL. client_id is an API key's name and
// client_secret the key; the answer is a short-lived random token bound to that key's scopes.
// Not an upstream call: HubSoft's credential never leaves the service.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { InvalidCredentialsError, InvalidRequestError } from '../../errors.js'
import { OAuthErrorSchema, TokenRequestSchema, TokenSchema } from '../schemas/oauth.js'

type OAuthFailure = InstanceType<typeof InvalidCredentialsError> | InstanceType<typeof InvalidRequestError>

/** HubSoft's `{error, message}` (what integrations check) with our envelope beside it. */
function refuse (reply: FastifyReply, failure: OAuthFailure) {
  const code = failure.code.toLowerCase() as 'invalid_credentials' | 'invalid_request'
  reply.errorCode = code
  return reply.code(failure.statusCode!).send({
    error: code === 'invalid_credentials' ? 'invalid_credentials' : 'invalid_request',
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
  app.addSchema(TokenSchema)
  app.addSchema(OAuthErrorSchema)
  const oauthError = Type.Ref(OAuthErrorSchema)

  app.withTypeProvider<TypeBoxTypeProvider>().post('/oauth/token', {
    // Keyless, but password guessing is rate-limited per address.
    config: { errorCodes: ['rate_limited'] },
    schema: {
      operationId: 'issueToken',
      summary: 'Get a bearer token, as from HubSoft',
      description: "HubSoft's password grant: client_id is an API key's name and client_secret the key (username and password are accepted and ignored). The token lives ACCESS_TOKEN_TTL and carries the key's scopes; removing the key and restarting revokes it.",
      tags: ['auth'],
      security: [],
      consumes: ['application/json', 'application/x-www-form-urlencoded'],
      body: TokenRequestSchema,
      response: { 200: Type.Ref(TokenSchema), 400: oauthError, 401: oauthError }
    }
  }, async (request, reply) => {
    const body = request.body ?? {}
    const grantType = body.grant_type ?? 'password'
    if (grantType !== 'password' && grantType !== 'refresh_token') {
      return refuse(reply, new InvalidRequestError('grant_type must be password or refresh_token'))
    }
    if (body.client_id === undefined || body.client_secret === undefined) {
      return refuse(reply, new InvalidRequestError('client_id and client_secret are required'))
    }
    const client = app.credentials.identifyClient(body.client_id, body.client_secret)
    if (client === null) return refuse(reply, new InvalidCredentialsError())
    if (grantType === 'password') return app.credentials.issue(client)
    const refreshed = body.refresh_token === undefined ? null : app.credentials.refresh(body.refresh_token, client)
    return refreshed ?? refuse(reply, new InvalidCredentialsError())
  })
}
