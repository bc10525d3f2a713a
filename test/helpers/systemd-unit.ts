// deploy/systemd/hubsoft-bff.service as tests read it: its directives and the environment it
// gives the service, with the specifiers systemd fills in.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const UNIT_URL = new URL('../../deploy/systemd/hubsoft-bff.service', import.meta.url)
export const UNIT_PATH = fileURLToPath(UNIT_URL)
const UNIT = readFileSync(UNIT_URL, 'utf8')

/** The values of every `key=value` line of the unit, in order (a key may repeat). */
export function unitValues (key: string): string[] {
  return UNIT.split('\n').flatMap((line) => {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line)
    return match === null || match[1] !== key ? [] : [match[2]!]
  })
}

/** The Environment= lines as the process sees them: %S is the state root, %d the credentials directory. */
export function unitEnvironment (): Record<string, string> {
  return Object.fromEntries(unitValues('Environment').map((assignment) => {
    const [name, ...rest] = assignment.split('=')
    return [name!, rest.join('=').replace('%S', '/var/lib').replace('%d', '/run/credentials/hubsoft-bff.service')]
  }))
}
