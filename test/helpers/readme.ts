// The repository's README.md as tests read it: its text, and the variables its Configuration
// table documents (the deploy files are checked against that list).
import { readFileSync } from 'node:fs'

export const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

/** The text of the `## heading` section, up to the next `## `. */
export function readmeSection (heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`)
  if (start === -1) throw new Error(`README.md has no "## ${heading}" section`)
  const end = README.indexOf('\n## ', start + 1)
  return README.slice(start, end === -1 ? undefined : end)
}

/** Every variable named in the first column of the Configuration table. */
export function configurationVariables (): string[] {
  const rows = readmeSection('Configuration').split('\n').filter((line) => line.startsWith('| `'))
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!))
}
