// Schemas of POST /oauth/token, shaped like HubSoft's own (HubSoft's integration docs) so integrations written
// against HubSoft parse our answers unchanged.
import { Type } from '@sinclair/typebox'
import { ErrorCodeSchema } from './errors.js'

export const TokenRequestSchema = Type.Object({
  grant_type: Type.Optional(Type.String({ description: 'password (as with HubSoft) or refresh_token.', examples: ['password'] })),
  client_id: Type.Optional(Type.String({ description: "The API key's name (from API_KEYS)." })),
  client_secret: Type.Optional(Type.String({ description: 'The API key itself.' })),
  username: Type.Optional(Type.String({ description: "HubSoft's user name: accepted and ignored (the key is the credential)." })),
  password: Type.Optional(Type.String({ description: "HubSoft's password: accepted and ignored (the key is the credential)." })),
  refresh_token: Type.Optional(Type.String({ description: 'With grant_type refresh_token: a refresh token this service issued to this client.' })),
  scope: Type.Optional(Type.String({ description: 'Ignored: a token carries the scopes of its key.' }))
}, { description: 'JSON, application/x-www-form-urlencoded or multipart/form-data (fields only), as HubSoft accepts; other fields are ignored.' })

export const TokenSchema = Type.Object({
  token_type: Type.Literal('Bearer', { description: 'Always Bearer.' }),
  expires_in: Type.Integer({ description: 'Seconds the access token lives (ACCESS_TOKEN_TTL).' }),
  access_token: Type.String({ description: 'Send as Authorization: Bearer <access_token> to the data routes; it carries the scopes of the key.' }),
  refresh_token: Type.String({ description: 'Good once, with grant_type refresh_token and the same client credentials.' })
}, { $id: 'Token', description: "A bearer token, in HubSoft's shape." })

export const OAuthErrorSchema = Type.Object({
  error: Type.Optional(Type.String({ description: "HubSoft's OAuth error: invalid_credentials or invalid_request." })),
  error_description: Type.Optional(Type.String({ description: "HubSoft's human-readable text, as OAuth 2.0 names it (RFC 6749 §5.2)." })),
  message: Type.Optional(Type.String({ description: "HubSoft's human-readable text." })),
  status: Type.Literal('error', { description: 'Always error.' }),
  msg: Type.String({ description: 'What went wrong, for a person.' }),
  code: Type.Ref(ErrorCodeSchema)
}, { $id: 'OAuthError', description: "An error of /oauth/token: HubSoft's {error, error_description, message} and this service's envelope in one body." })
