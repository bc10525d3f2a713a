// Prometheus's own checker, promtool (Debian package prometheus), from the tests: required in
// CI (.ci/run installs it), optional on a developer's machine, where its checks are left out.
import { execFile } from 'node:child_process'
import { missingTool } from './required-tool.js'

export interface PromtoolResult {
  /** promtool's exit status: 0 when all is well (`check metrics` exits 3 for lint problems only). */
  readonly status: number
  /** stdout and stderr. */
  readonly output: string
}

/**
 * Runs `promtool <args>` in `cwd` with `input` on its stdin. Undefined when promtool is not on
 * PATH outside CI (the caller skips or narrows its test); in CI its absence fails the test.
 */
export async function runPromtool (args: readonly string[], options: { readonly cwd?: string, readonly input?: string } = {}): Promise<PromtoolResult | undefined> {
  const answer = await new Promise<PromtoolResult | 'missing'>((resolve) => {
    const child = execFile('promtool', args, { cwd: options.cwd }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code
      resolve(code === 'ENOENT' ? 'missing' : { status: error === null ? 0 : Number(code), output: `${stdout}${stderr}` })
    })
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(options.input ?? '')
  })
  if (answer !== 'missing') return answer
  missingTool('promtool is not on PATH: .ci/run should install the Debian package prometheus')
  return undefined
}
