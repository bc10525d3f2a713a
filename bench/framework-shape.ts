// What the service's framework is, apart from its own work: the limits its server options
// are built from and, per phase, how many hooks Fastify runs on a lookup. The service process
// reads it from its app; the configured baseline builds a Fastify of the same shape whose hooks
// do nothing, so the bench can tell the framework's cost from the service's.
import type { LimitsConfig } from '../src/config.js'

export interface FrameworkShape {
  readonly limits: LimitsConfig
  /** Hooks per phase (onRequest, preParsing, …) on the lookup route. */
  readonly hooks: Readonly<Record<string, number>>
}

/**
 * The hooks per phase of one route, read from `printRoutes({ includeHooks: true })`: the line
 * naming the route (its last path segment and method, as the tree prints it) and the
 * `• (phase) ["hook()", …]` lines under it.
 */
export function routeHooks (printed: string, routeLine: string): Record<string, number> {
  const lines = printed.split('\n')
  const at = lines.findIndex((line) => line.trimEnd().endsWith(routeLine))
  if (at < 0) throw new Error(`printRoutes lists no '${routeLine}'`)
  const hooks: Record<string, number> = {}
  for (const line of lines.slice(at + 1)) {
    const phase = /• \((\w+)\) (\[.*\])\s*$/.exec(line)
    if (phase === null) break
    hooks[phase[1]!] = (JSON.parse(phase[2]!) as unknown[]).length
  }
  return hooks
}
