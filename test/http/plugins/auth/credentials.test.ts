// Proves who a caller is: keys by their digest, clients by name + key, tokens bound to the
// key's scopes that expire on the injected clock, refresh tokens good once for their client.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { Credentials, clientFromBasic, keyFromBasic } from '../../../../src/http/plugins/auth/credentials.js'

const READ_KEY = 'read-key-0123456789abcdef'
const ADMIN_KEY = 'admin-key-0123456789abcdef'
const sha256 = (key: string) => createHash('sha256').update(key).digest()

function credentials (clock = { now: 1_000_000 }, maxTokens?: number, maxRememberedSecrets?: number) {
  return new Credentials({
    keys: [
      { name: 'reader', digest: sha256(READ_KEY), scopes: ['read'] },
      { name: 'ops', digest: sha256(ADMIN_KEY), scopes: ['read', 'secrets', 'admin'] }
    ],
    accessTokenTtlMs: 60_000,
    now: () => clock.now,
    maxTokens,
    maxRememberedSecrets
  })
}

test('keys are recognised by their digest; names must match for client authentication', () => {
  const store = credentials()
  assert.deepEqual(store.identifyKey(READ_KEY), { name: 'reader', scopes: ['read'] })
  assert.deepEqual(store.authenticate(ADMIN_KEY), { name: 'ops', scopes: ['read', 'secrets', 'admin'] })
  for (const wrong of ['', 'read-key-0123456789abcde', `${READ_KEY} `, READ_KEY.toUpperCase()]) {
    assert.equal(store.identifyKey(wrong), null, wrong)
  }
  assert.deepEqual(store.identifyClient('reader', READ_KEY), { name: 'reader', scopes: ['read'] })
  assert.equal(store.identifyClient('ops', READ_KEY), null)
  assert.equal(store.identifyClient('reader', ADMIN_KEY), null)
})

test('remembered verdicts stay right: asked again, and after wrong guesses pushed them out', () => {
  const store = credentials(undefined, undefined, 2)
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(store.identifyKey(READ_KEY), { name: 'reader', scopes: ['read'] }, `round ${round}`)
    assert.equal(store.identifyKey('wrong-key-0123456789abcdef'), null, `round ${round}`)
  }
  // More distinct guesses than are remembered: the keys are judged again, with the same verdicts.
  for (let guess = 0; guess < 5; guess++) assert.equal(store.identifyKey(`guess-${guess}-0123456789abcdef`), null)
  assert.deepEqual(store.identifyKey(READ_KEY), { name: 'reader', scopes: ['read'] })
  assert.deepEqual(store.identifyKey(ADMIN_KEY), { name: 'ops', scopes: ['read', 'secrets', 'admin'] })
  assert.equal(store.identifyKey(READ_KEY.toUpperCase()), null)
  assert.equal(store.identifyClient('ops', READ_KEY), null, 'a remembered key still needs its own name')
})

test('an issued token carries its key\'s scopes and stops working at expires_in', () => {
  const clock = { now: 1_000_000 }
  const store = credentials(clock)
  const issued = store.issue({ name: 'reader', scopes: ['read'] })
  assert.equal(issued.token_type, 'Bearer')
  assert.equal(issued.expires_in, 60)
  assert.match(issued.access_token, /^hbat_[\w-]{43}$/)
  assert.match(issued.refresh_token, /^hbrt_[\w-]{43}$/)
  assert.notEqual(store.issue({ name: 'reader', scopes: ['read'] }).access_token, issued.access_token)
  assert.deepEqual(store.authenticate(issued.access_token), { name: 'reader', scopes: ['read'] })
  clock.now += 59_999
  assert.deepEqual(store.authenticate(issued.access_token), { name: 'reader', scopes: ['read'] })
  clock.now += 1
  assert.equal(store.authenticate(issued.access_token), null)
  assert.equal(store.authenticate(`${issued.access_token}x`), null)
  // A refresh token is not an access token.
  assert.equal(store.authenticate(issued.refresh_token), null)
})

test('a refresh token is good once, only for its own client', () => {
  const store = credentials()
  const reader = { name: 'reader', scopes: ['read'] } as const
  const ops = { name: 'ops', scopes: ['read', 'secrets', 'admin'] } as const
  const issued = store.issue(reader)
  assert.equal(store.refresh(issued.refresh_token, ops), null)
  const renewed = store.refresh(issued.refresh_token, reader)
  assert.ok(renewed !== null, 'the first refresh works')
  assert.deepEqual(store.authenticate(renewed.access_token), reader)
  assert.equal(store.refresh(issued.refresh_token, reader), null)
})

test('tokens held are bounded: the oldest is forgotten first', () => {
  const store = credentials({ now: 0 }, 3)
  const reader = { name: 'reader', scopes: ['read'] } as const
  const tokens = [1, 2, 3, 4].map(() => store.issue(reader).access_token)
  assert.equal(store.authenticate(tokens[0]!), null)
  for (const token of tokens.slice(1)) assert.deepEqual(store.authenticate(token), reader)
})

test('HTTP Basic: the password is the key, or the user-id when the password is empty; anything unreadable is null', () => {
  const basic = (text: string) => Buffer.from(text, 'utf8').toString('base64')
  const table: Array<[string, string, string | null]> = [
    ['any user, the key as password', basic(`ops:${ADMIN_KEY}`), ADMIN_KEY],
    ['the key as user-id, empty password (curl -u KEY:)', basic(`${READ_KEY}:`), READ_KEY],
    ['a password may hold colons (only the first separates)', basic('user:a:b:c'), 'a:b:c'],
    ['UTF-8 in the password', basic('user:chave-ção'), 'chave-ção'],
    ['nothing at all', basic(':'), ''],
    ['empty token', '', ''],
    ['no colon', basic(READ_KEY), null],
    ['not base64', '!!!!', null],
    ['base64 without its padding', basic('user:key').replace(/=+$/, ''), null],
    ['base64url alphabet', 'dXNlcjprZXk_-w==', null],
    ['not UTF-8', Buffer.from([0x75, 0x3a, 0xff, 0xfe]).toString('base64'), null]
  ]
  for (const [name, token, expected] of table) assert.equal(keyFromBasic(token), expected, name)
})

test('new keys: removed or changed keys stop working with their tokens; unchanged ones keep theirs', () => {
  const store = credentials()
  const reader = store.issue(store.identifyKey(READ_KEY)!)
  const ops = store.issue(store.identifyKey(ADMIN_KEY)!)
  const NEW_KEY = 'new-key-0123456789abcdef'
  const { revokedKeys } = store.replaceKeys([
    { name: 'ops', digest: sha256(ADMIN_KEY), scopes: ['read', 'secrets', 'admin'] },
    { name: 'bot', digest: sha256(NEW_KEY), scopes: ['read'] }
  ])
  assert.deepEqual(revokedKeys, ['reader'])
  assert.equal(store.authenticate(READ_KEY), null, 'the removed key')
  assert.equal(store.authenticate(reader.access_token), null, 'its access token')
  assert.equal(store.refresh(reader.refresh_token, { name: 'reader', scopes: ['read'] }), null, 'its refresh token')
  assert.deepEqual(store.authenticate(ops.access_token), { name: 'ops', scopes: ['read', 'secrets', 'admin'] }, 'an unchanged key keeps its tokens')
  assert.deepEqual(store.authenticate(NEW_KEY), { name: 'bot', scopes: ['read'] })

  // The same name with a new secret is a rotation: the old secret and its tokens are gone.
  assert.deepEqual(store.replaceKeys([{ name: 'ops', digest: sha256('rotated-0123456789abcdef'), scopes: ['read', 'secrets', 'admin'] }]).revokedKeys, ['bot', 'ops'])
  assert.equal(store.authenticate(ops.access_token), null)
  assert.equal(store.authenticate(ADMIN_KEY), null)
})

test('client_secret_basic (RFC 6749 §2.3.1): client_id and client_secret form-decoded after base64; unreadable is null', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`
  const table: Array<[string, string | undefined, { clientId: string, clientSecret: string } | null]> = [
    ['plain', basic('erp:s3cret'), { clientId: 'erp', clientSecret: 's3cret' }],
    // Go's x/oauth2 escapes both with url.QueryEscape before joining them.
    ['form-escaped, as Go x/oauth2 sends', basic('erp%2Dintegracao:a%2Bb%2Fc%3D'), { clientId: 'erp-integracao', clientSecret: 'a+b/c=' }],
    ['+ is a space in a form encoding', basic('my+app:x'), { clientId: 'my app', clientSecret: 'x' }],
    ['a bad escape is kept as sent', basic('erp:100%'), { clientId: 'erp', clientSecret: '100%' }],
    ['lower-case scheme, extra blanks', `  basic   ${Buffer.from('a:b').toString('base64')} `, { clientId: 'a', clientSecret: 'b' }],
    ['no header', undefined, null],
    ['a bearer token', 'Bearer abc', null],
    ['no colon', basic('erp'), null],
    ['not base64', 'Basic !!!!', null]
  ]
  for (const [name, header, expected] of table) {
    const client = clientFromBasic(header)
    assert.deepEqual(client === null ? null : { ...client }, expected, name)
  }
})
