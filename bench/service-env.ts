// The environment both measured processes (the service alone, a fleet replica) start from: the
// bench's simulator and its credentials (handed over in BENCH_* variables) and a SNAPSHOT_DIR of
// this process's own, removed when it exits. Each adds what it measures on top.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function benchServiceEnv (dirPrefix: string): Record<string, string | undefined> {
  const snapshotDir = mkdtempSync(join(tmpdir(), dirPrefix))
  process.once('exit', () => rmSync(snapshotDir, { recursive: true, force: true }))
  return {
    HUBSOFT_URL: process.env.BENCH_HUBSOFT_URL,
    HUBSOFT_CLIENT_ID: process.env.BENCH_CLIENT_ID,
    HUBSOFT_CLIENT_SECRET: process.env.BENCH_CLIENT_SECRET,
    HUBSOFT_USERNAME: process.env.BENCH_USERNAME,
    HUBSOFT_PASSWORD: process.env.BENCH_PASSWORD,
    HUBSOFT_TIMEOUT_MS: '120000',
    // A refresh persists what it built, as in production; into a directory of this run's own.
    SNAPSHOT_DIR: snapshotDir
  }
}
