// The one place a query string is read, for the service and the simulator alike. HubSoft is a
// Laravel application: its TrimStrings and ConvertEmptyStringsToNull middleware trim every value
// and turn `cancelado=` into null, and its validation skips nulls, so a parameter sent empty
// (`limit=`), blank or bare (`servico_status`) is a parameter not sent. The vendor's Postman
// collection sends every optional parameter that way.
// https://laravel.com/docs/11.x/requests#input-trimming-and-normalization
import { parse } from 'node:querystring'

export type QueryValues = Record<string, string | string[]>

export interface QueryStringOptions {
  /** Names that mean something by being present, even bare (this service's own `?pretty`). */
  readonly flags?: readonly string[]
}

/** A value trimmed, its empty members dropped; undefined when nothing is left. */
function nonEmpty (value: string | string[] | undefined): string | string[] | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim()
  const kept = value.map((item) => item.trim()).filter((item) => item !== '')
  return kept.length === 0 ? undefined : kept.length === 1 ? kept[0] : kept
}

/**
 * Query-string parameters as HubSoft reads them: repeated names give a list, `+` and
 * %-escapes decode as in a form, values are trimmed, and an empty or bare value counts as
 * absent, except for the given flags, which are kept as ''.
 */
export function parseQueryString (queryString: string, { flags = [] }: QueryStringOptions = {}): QueryValues {
  const parsed = parse(queryString)
  // No prototype: `__proto__=a&__proto__=b` is then a parameter like any other.
  const values: QueryValues = Object.create(null)
  for (const name of Object.keys(parsed)) {
    if (name === '') continue
    const value = nonEmpty(parsed[name])
    if (value !== undefined) values[name] = value
    else if (flags.includes(name)) values[name] = ''
  }
  return values
}
