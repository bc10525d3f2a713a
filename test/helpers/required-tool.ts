// Tests that need a tool from Debian's packages (promtool, Chromium): in CI, where .ci/run
// installs them, a missing tool fails the test; on a developer's machine the check is left out.

/** True when CI runs the tests (.ci/run exports CI=true unless CI is already set). */
function inCi (): boolean {
  return process.env.CI !== undefined && process.env.CI !== ''
}

/** Throws `why` in CI, where the tool must be there; elsewhere returns so the caller can skip. */
export function missingTool (why: string): void {
  if (inCi()) throw new Error(why)
}
