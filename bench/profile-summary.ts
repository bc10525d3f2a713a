// Reads the V8 CPU profiles `--cpu-prof` wrote and lists where the service spent its time:
// self time per function, and per package or source file (a hook's cost is spread over many
// small functions, but they live in one package), summed over every profile in the folder.
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string, readonly url: string, readonly lineNumber: number }
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

export async function summariseProfiles (dir: string, top = 25): Promise<string> {
  const selfUs = new Map<string, number>()
  const byOwner = new Map<string, number>()
  let totalUs = 0
  for (const name of (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile
    const ownerOf = new Map(profile.nodes.map((node) => [node.id, owner(node.callFrame.url, node.callFrame.functionName)]))
    const frameOf = new Map(profile.nodes.map((node) => {
      const { functionName, url, lineNumber } = node.callFrame
      const where = url === '' ? '' : ` ${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`
      return [node.id, `${functionName === '' ? '(anonymous)' : functionName}${where}`]
    }))
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0
      totalUs += us
      const frame = frameOf.get(id) ?? '?'
      selfUs.set(frame, (selfUs.get(frame) ?? 0) + us)
      const where = ownerOf.get(id) ?? '?'
      byOwner.set(where, (byOwner.get(where) ?? 0) + us)
    })
  }
  const table = (entries: Map<string, number>, rows: number) => [...entries.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([frame, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${(100 * us / totalUs).toFixed(1).padStart(5)} %  ${frame}`)
    .join('\n')
  return `${table(selfUs, top)}\n\nBy package or file:\n${table(byOwner, top)}`
}

/** The package (node_modules/x, or @scope/x), source file, or Node's own code a frame belongs to. */
function owner (url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return 'node: internals'
  const modules = url.lastIndexOf('node_modules/')
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/')
    return `node_modules/${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`
  }
  const source = url.search(/\/(src|bench)\//)
  return source >= 0 ? url.slice(source + 1) : url
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${await summariseProfiles(process.argv[2] ?? 'bench/results/profiles')}\n`)
}
