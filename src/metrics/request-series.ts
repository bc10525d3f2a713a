// The two per-request metrics, requests by route, method, status and key and their durations by
// route, method and status, counted in plain numbers per label set and turned into samples when
// Prometheus scrapes. prom-client's Counter and Histogram hash and validate the label object on
// every call, their `labels()` children included: ~7 % of a lookup's time. The samples are the
// ones prom-client would give (same names, labels and cumulative buckets), so the exposition
// text is the same.

type Labels = Readonly<Record<string, string>>

/** A sample as prom-client's Registry reads it from a metric's get(). */
interface Sample {
  readonly value: number
  readonly labels: Readonly<Record<string, string | number>>
  readonly sharedLabels?: Labels
  readonly metricName?: string
}

interface Scrape { name: string, help: string, type: string, values: Sample[], aggregator: 'sum' }

/**
 * What a prom-client Registry registers and reads: a name, getForPromString() for the text
 * exposition (a series' labels apart from `le`, as prom-client keeps them) and get() for JSON
 * (every label of a sample together).
 */
export interface ScrapedMetric {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'histogram'
  readonly aggregator: 'sum'
  getForPromString: () => Scrape
  get: () => Scrape
}

interface Durations {
  readonly labels: Labels
  /** Observations per bucket (not cumulative), the last for those above every bound. */
  readonly perBucket: Float64Array
  sum: number
  count: number
}

interface Requests {
  readonly labels: Labels
  count: number
}

interface Series {
  readonly requests: Requests
  readonly durations: Durations
}

export class RequestSeries {
  readonly #bounds: readonly number[]
  /** By route, method, status code and key: each request finds both its series in one lookup. */
  readonly #series = new Map<string, Series>()
  /** By route, method and status code: keys share a duration series. */
  readonly #durations = new Map<string, Durations>()

  constructor (bounds: readonly number[]) {
    this.#bounds = bounds
  }

  record (route: string, method: string, statusCode: number, key: string, seconds: number): void {
    const series = this.#seriesOf(route, method, statusCode, key)
    series.requests.count++
    const { durations } = series
    let bucket = 0
    while (bucket < this.#bounds.length && seconds > this.#bounds[bucket]!) bucket++
    durations.perBucket[bucket]!++
    durations.sum += seconds
    durations.count++
  }

  #seriesOf (route: string, method: string, statusCode: number, key: string): Series {
    const id = `${route} ${method} ${statusCode} ${key}`
    let series = this.#series.get(id)
    if (series === undefined) {
      const status = String(statusCode)
      const durationId = `${route} ${method} ${status}`
      let durations = this.#durations.get(durationId)
      if (durations === undefined) {
        durations = { labels: { route, method, status_code: status }, perBucket: new Float64Array(this.#bounds.length + 1), sum: 0, count: 0 }
        this.#durations.set(durationId, durations)
      }
      series = { requests: { labels: { route, method, status_code: status, key }, count: 0 }, durations }
      this.#series.set(id, series)
    }
    return series
  }

  counter (name: string, help: string): ScrapedMetric {
    const values = () => [...this.#series.values()].map(({ requests }) => ({ value: requests.count, labels: requests.labels }))
    return scraped(name, help, 'counter', values)
  }

  histogram (name: string, help: string): ScrapedMetric {
    const values = () => [...this.#durations.values()].flatMap((durations) => {
      let cumulative = 0
      const buckets: Sample[] = this.#bounds.map((bound, bucket) => {
        cumulative += durations.perBucket[bucket]!
        return { value: cumulative, labels: { le: bound }, sharedLabels: durations.labels, metricName: `${name}_bucket` }
      })
      return [
        ...buckets,
        { value: durations.count, labels: { le: '+Inf' }, sharedLabels: durations.labels, metricName: `${name}_bucket` },
        { value: durations.sum, labels: {}, sharedLabels: durations.labels, metricName: `${name}_sum` },
        { value: durations.count, labels: {}, sharedLabels: durations.labels, metricName: `${name}_count` }
      ]
    })
    return scraped(name, help, 'histogram', values)
  }
}

function scraped (name: string, help: string, type: ScrapedMetric['type'], values: () => Sample[]): ScrapedMetric {
  const scrape = (samples: Sample[]): Scrape => ({ name, help, type, values: samples, aggregator: 'sum' })
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    getForPromString: () => scrape(values()),
    get: () => scrape(values().map(({ sharedLabels, labels, ...sample }) => ({ ...sample, labels: { ...labels, ...sharedLabels } })))
  }
}
