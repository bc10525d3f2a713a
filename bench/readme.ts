// Puts a full run's table into the README's Performance section, between its two markers, so
// the figures the README shows are the ones the bench last measured.
import { readFile, writeFile } from 'node:fs/promises'

const README = new URL('../README.md', import.meta.url).pathname
const START = '<!-- bench:latest -->'
const END = '<!-- /bench:latest -->'

export async function updateReadme (table: string): Promise<void> {
  const readme = await readFile(README, 'utf8')
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`)
  await writeFile(README, `${readme.slice(0, start + START.length)}\n${table.trimEnd()}\n${readme.slice(end)}`)
}
