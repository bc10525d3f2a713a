// What "one refresh period" is for a REFRESH_CRON (the staleness alert fires past two of them):
// the longest gap between consecutive scheduled runs, since a schedule like "at 06, 12 and
// 18 h" has a 12 h night gap, and never less than REFRESH_MIN_INTERVAL, which no refresh beats.
import { Cron } from 'croner'

/** Runs looked at: a day of hourly runs, a month of daily ones, half a year of weekly ones. */
const RUNS_EXAMINED = 32

export function refreshPeriodMs (cron: string, timezone: string, minIntervalMs: number, from: Date): number {
  const schedule = new Cron(cron, { timezone, paused: true })
  const runs = schedule.nextRuns(RUNS_EXAMINED, from).map((run) => run.getTime())
  schedule.stop()
  let longest = 0
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!)
  return Math.max(longest, minIntervalMs)
}
