// Tests that need a tool from Debian's packages (promtool, Chromium): in CI, where .ci/run
// installs them, a missing tool fails the test; on a developer's machine the check is left out.
import { execFile } from 'node:child_process'

/** True when CI runs the tests (.ci/run exports CI=true unless CI is already set). */
function inCi (): boolean {
  return process.env.CI !== undefined && process.env.CI !== ''
}

/** Throws `why` in CI, where the tool must be there; elsewhere returns so the caller can skip. */
export function missingTool (why: string): void {
  if (inCi()) throw new Error(why)
}

export interface ToolRun {
  /** The exit status: 0 when all is well. */
  readonly status: number
  /** stdout and stderr. */
  readonly output: string
}

/**
 * Runs `command args` (no shell). Undefined when the command is not on PATH outside CI, where
 * the caller leaves its check out; in CI its absence fails the test with `why`.
 */
export async function runTool (command: string, args: readonly string[], why: string): Promise<ToolRun | undefined> {
  const answer = await new Promise<ToolRun | 'missing'>((resolve) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code
      resolve(code === 'ENOENT' ? 'missing' : { status: error === null ? 0 : Number(code), output: `${stdout}${stderr}` })
    })
  })
  if (answer !== 'missing') return answer
  missingTool(why)
  return undefined
}
