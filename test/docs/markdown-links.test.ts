// Every relative link of the repository's documents leads somewhere in the repository: to a
// file that exists (never outside the checkout, where a reader of the repository cannot follow),
// and, with a #fragment into a Markdown file, to one of its headings.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DOCUMENTS = ['README.md', 'SECURITY.md', 'clients/typescript/README.md']

/** Link targets of `[text](target)`, outside code blocks and inline code. */
function linkTargets (markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '')
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!)
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug (heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
}

function anchors (markdown: string): Set<string> {
  const headings = markdown.replace(/```[\s\S]*?```/g, '').split('\n').filter((line) => /^#{1,6} /.test(line))
  return new Set(headings.map((line) => slug(line.replace(/^#+ /, ''))))
}

test('the slug rule matches GitHub on headings of these documents', () => {
  assert.equal(slug('Reverse proxy (TLS)'), 'reverse-proxy-tls')
  assert.equal(slug('Tokens for HubSoft integrations (`POST /oauth/token`)'), 'tokens-for-hubsoft-integrations-post-oauthtoken')
  assert.equal(slug('What is protected, and how'), 'what-is-protected-and-how')
})

for (const document of DOCUMENTS) {
  test(`every relative link in ${document} resolves inside the repository`, () => {
    const text = readFileSync(resolve(ROOT, document), 'utf8')
    const relativeTargets = linkTargets(text).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    assert.ok(relativeTargets.length > 0, `${document} has relative links`)
    for (const target of relativeTargets) {
      const [path, fragment] = target.split('#') as [string, string | undefined]
      const file = path === '' ? resolve(ROOT, document) : resolve(ROOT, dirname(document), decodeURIComponent(path))
      const inside = relative(ROOT, file)
      assert.ok(!inside.startsWith('..') && inside !== '', `${document}: ${target} leaves the repository`)
      assert.ok(existsSync(file), `${document}: ${target} is not a file of the repository`)
      if (fragment !== undefined && file.endsWith('.md')) {
        assert.ok(anchors(readFileSync(file, 'utf8')).has(fragment), `${document}: ${target} names no heading of ${inside}`)
      }
    }
  })
}
