// Reads the V8 CPU profiles `--cpu-prof` wrote and lists where the service spent its time:
// self time per function, summed over every profile in the folder.
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
  let totalUs = 0
  for (const name of (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile
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
    })
  }
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${(100 * us / totalUs).toFixed(1).padStart(5)} %  ${frame}`)
    .join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${await summariseProfiles(process.argv[2] ?? 'bench/results/profiles')}\n`)
}
