// HTML for people with a browser: whether a request prefers it, and escaping what goes in it.
import negotiate from '@fastify/accept-negotiator'

export const HTML_TYPE = 'text/html'

/**
 * True when the Accept header ranks text/html above application/json (a browser's navigation
 * does); a missing header, `*\/*` or a tie keep JSON, the API's default.
 */
export function prefersHtml (accept: string | undefined): boolean {
  return negotiate(accept ?? '', ['application/json', HTML_TYPE]) === HTML_TYPE
}

/**
 * Headers for every HTML answer: no script, style only inline, nothing from elsewhere, never in a
 * frame (clickjacking: `frame-ancestors`, and X-Frame-Options for older browsers), no form
 * posting anywhere, and no content sniffing.
 */
export const HTML_CONTENT_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer'
} as const

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text and attribute values, whatever HubSoft or the configuration put in them. */
export function escapeHtml (value: string | number): string {
  return String(value).replace(/[&<>"']/g, (character) => ESCAPES[character]!)
}
