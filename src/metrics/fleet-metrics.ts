// hubsoft_bff_fleet_*: this replica's part in the fleet, read from the coordinator when
// Prometheus scrapes (deploy/prometheus/alerts.yml alerts on them).
import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { FleetCoordinator } from '../fleet/coordinator.js'
import type { Snapshot } from '../snapshot/snapshot.js'

const PREFIX = 'hubsoft_bff_fleet_'

export function registerFleetMetrics (registry: Registry, fleet: FleetCoordinator, served: () => Snapshot | null): void {
  const registers = [registry]
  const gauge = (name: string, help: string, read: () => number) => new Gauge({ name: `${PREFIX}${name}`, help, registers, collect () { this.set(read()) } })
  gauge('redis_up', '1 while Redis answers; 0 while it does not (serving goes on, fetching waits).', () => fleet.redisReachable ? 1 : 0)
  gauge('leader', '1 on the replica that runs REFRESH_CRON and the retries (one per fleet).', () => fleet.role === 'leader' ? 1 : 0)
  gauge('in_sync', '1 while this replica serves the version the fleet\'s manifest names.', () => {
    const manifest = fleet.manifest
    return manifest !== null && served()?.version === manifest.version ? 1 : 0
  })
  gauge('published_timestamp_seconds', 'When the fleet\'s current snapshot was published, in Unix seconds; NaN before any.', () => {
    const published = Date.parse(fleet.manifest?.published_at ?? '')
    return Number.isNaN(published) ? Number.NaN : published / 1000
  })
  const counter = (name: string, help: string, labelNames: readonly string[], samples: () => Array<readonly [Record<string, string>, number]>) => new Counter({
    name: `${PREFIX}${name}`,
    help,
    labelNames,
    registers,
    collect () {
      this.reset()
      for (const [labels, value] of samples()) this.inc(labels, value)
    }
  })
  const { counters } = fleet
  counter('publications_total', 'Snapshots this replica fetched and published to Redis, by outcome (ok, failed).', ['outcome'], () => [[{ outcome: 'ok' }, counters.publications.ok], [{ outcome: 'failed' }, counters.publications.failed]])
  counter('ingests_total', 'Fleet snapshots this replica downloaded from Redis, by outcome (ok: verified and swapped in; failed).', ['outcome'], () => [[{ outcome: 'ok' }, counters.ingests.ok], [{ outcome: 'failed' }, counters.ingests.failed]])
  counter('locks_lost_total', 'Refreshes that lost the fleet\'s refresh lock while running (Redis away or too slow to renew).', [], () => [[{}, counters.locksLost]])
}
