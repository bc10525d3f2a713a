// The service's version, from package.json: the one place /status, the status page and the
// hubsoft_bff_build_info metric read it. Found by walking up from this file, so it works from
// src/ (npm start) and from dist/src/ (the compiled entry point and the container) alike.
import { readFileSync } from 'node:fs'

function readVersion (): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: unknown, version?: unknown }
      if (manifest.name === 'hubsoft-bff' && typeof manifest.version === 'string') return manifest.version
    } catch {}
  }
  return 'unknown'
}

export const SERVICE_VERSION = readVersion()
