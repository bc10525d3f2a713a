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

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text and attribute values, whatever HubSoft or the configuration put in them. */
export function escapeHtml (value: string | number): string {
  return String(value).replace(/[&<>"']/g, (character) => ESCAPES[character]!)
}
