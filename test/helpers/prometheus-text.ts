// A strict reader of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): every line must be a comment,
// a HELP or TYPE line, or a sample of a family declared by a TYPE line before it; anything else
// throws with the line. Tests read counters through it.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

export interface Exposition {
  /** Family name → type, from the TYPE lines. */
  readonly types: ReadonlyMap<string, MetricType>
  readonly samples: readonly Sample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/
const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
/** Sample names a histogram or summary family writes besides its own. */
const SERIES_SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count']
}

/** Values as Prometheus reads them (Go's ParseFloat: NaN in any case, as prom-client writes `Nan`). */
function parseValue (text: string, line: string): number {
  if (text.toLowerCase() === 'nan') return Number.NaN
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY
  if (text === '-Inf') return Number.NEGATIVE_INFINITY
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`not a sample value '${text}' in: ${line}`)
  return Number(text)
}

/** `{a="x",b="y\"z"}` at the start of `text`: the labels and what follows them. */
function parseLabels (text: string, line: string): { labels: Record<string, string>, rest: string } {
  const labels: Record<string, string> = {}
  let at = 1
  for (;;) {
    if (text[at] === '}') return { labels, rest: text.slice(at + 1) }
    const name = LABEL_NAME.exec(text.slice(at))?.[0]
    if (name === undefined || text.slice(at + name.length, at + name.length + 2) !== '="') throw new Error(`bad label at ${at} in: ${line}`)
    if (Object.hasOwn(labels, name)) throw new Error(`label ${name} repeated in: ${line}`)
    at += name.length + 2
    let value = ''
    for (;;) {
      const char = text[at]
      if (char === undefined) throw new Error(`unterminated label value in: ${line}`)
      if (char === '"') break
      if (char === '\\') {
        const escaped = text[at + 1]
        if (escaped === 'n') value += '\n'
        else if (escaped === '\\' || escaped === '"') value += escaped
        else throw new Error(`bad escape \\${String(escaped)} in: ${line}`)
        at += 2
      } else {
        value += char
        at++
      }
    }
    labels[name] = value
    at++
    if (text[at] === ',') at++
    else if (text[at] !== '}') throw new Error(`expected , or } at ${at} in: ${line}`)
  }
}

function familyOf (name: string, types: ReadonlyMap<string, MetricType>): string | null {
  for (const [family, type] of types) {
    if (SERIES_SUFFIXES[type].some((suffix) => `${family}${suffix}` === name)) return family
  }
  return null
}

export function parseExposition (text: string): Exposition {
  const types = new Map<string, MetricType>()
  const samples: Sample[] = []
  const seen = new Set<string>()
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed')
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line)
      if (match === null) continue
      if (match[1] === 'TYPE') {
        if (!TYPES.has(match[3]!)) throw new Error(`unknown type in: ${line}`)
        if (types.has(match[2]!)) throw new Error(`family ${match[2]!} typed twice`)
        types.set(match[2]!, match[3] as MetricType)
      }
      continue
    }
    const name = NAME.exec(line)?.[0]
    if (name === undefined) throw new Error(`not a sample: ${line}`)
    let rest = line.slice(name.length)
    let labels: Record<string, string> = {}
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line))
    const fields = rest.trim().split(' ')
    if (!rest.startsWith(' ') || fields.length < 1 || fields.length > 2) throw new Error(`not a sample: ${line}`)
    if (familyOf(name, types) === null) throw new Error(`sample of an undeclared family: ${line}`)
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    if (seen.has(series)) throw new Error(`series repeated: ${line}`)
    seen.add(series)
    samples.push({ name, labels, value: parseValue(fields[0]!, line) })
  }
  return { types, samples }
}

/**
 * The series names an exposition offers: every family of a `# TYPE` line (even one without a
 * sample yet), as `_bucket`, `_sum` and `_count` for a histogram (whose bare name has no series)
 * and with `_sum` and `_count` beside the quantile series of a summary. What a query may select.
 */
export function seriesNames (exposition: Exposition): Set<string> {
  return new Set([...exposition.types].flatMap(([family, type]) => SERIES_SUFFIXES[type].map((suffix) => `${family}${suffix}`)))
}

/** The sum of the samples named `name` whose labels include `labels` (0 when none match). */
export function sampleSum (exposition: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return exposition.samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value))
    .reduce((sum, sample) => sum + sample.value, 0)
}

/** The one sample named `name` with exactly these labels; throws when there is none. */
export function sampleValue (exposition: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): number {
  const wanted = JSON.stringify(Object.entries(labels).sort())
  const sample = exposition.samples.find((candidate) => candidate.name === name && JSON.stringify(Object.entries(candidate.labels).sort()) === wanted)
  if (sample === undefined) throw new Error(`no sample ${name}${wanted}`)
  return sample.value
}
