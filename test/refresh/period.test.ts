// One refresh period of a schedule: its longest gap between runs, at least the floor.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { refreshPeriodMs } from '../../src/refresh/period.js'

const MIN = 60_000
const HOUR = 60 * MIN
const FROM = new Date('2026-11-26T12:00:00Z')

test('refresh period by schedule, time zone and floor', () => {
  const table: Array<[string, string, string, number, number]> = [
    ['twice a day at 03 and 15 h: 12 h', '0 3,15 * * *', 'America/Sao_Paulo', 15 * MIN, 12 * HOUR],
    ['at 06, 12 and 18 h: the night gap of 12 h, not 6 h', '0 6,12,18 * * *', 'UTC', 15 * MIN, 12 * HOUR],
    ['hourly', '0 * * * *', 'UTC', 15 * MIN, HOUR],
    ['every 5 minutes under a 15 min floor: the floor', '*/5 * * * *', 'UTC', 15 * MIN, 15 * MIN],
    ['weekdays at 08 h: the weekend gap of 3 days', '0 8 * * 1-5', 'UTC', 15 * MIN, 72 * HOUR],
    ['daily, floor above it', '0 4 * * *', 'UTC', 30 * HOUR, 30 * HOUR]
  ]
  for (const [name, cron, timezone, floor, expected] of table) {
    assert.equal(refreshPeriodMs(cron, timezone, floor, FROM), expected, name)
  }
})
