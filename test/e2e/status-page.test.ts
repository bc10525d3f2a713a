// The /status page in a real browser: Debian's Chromium, headless, driven by
// playwright-core, against the service listening on loopback. The browser signs in through the
// Basic challenge with an API key as the password; the page shows the snapshot version and age,
// counts computed here from the simulator's dataset, a failed refresh scripted with a fault,
// a hostile technology name as text, and loads nothing but itself. A full-page screenshot is
// saved to test-artifacts/status-page.png.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { generateDataset } from '../../src/simulator/dataset.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { missingTool } from '../helpers/required-tool.js'
import { KEYS, startService, startSimulator } from '../helpers/service.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url)
const HOSTILE = '<script>alert(1)</script>'
const MINUTE = 60_000

/** Chromium, or a skip (a failure in CI, where .ci/run installs it). */
async function launchChromium (t: TestContext): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    missingTool(`Chromium is missing at ${CHROMIUM}: .ci/run should install the Debian package chromium (or set CHROMIUM_PATH)`)
    t.skip(`no Chromium at ${CHROMIUM} (install the Debian package chromium or set CHROMIUM_PATH)`)
    return null
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.after(async () => await browser.close())
  return browser
}

/** Everything a page asked for or complained about. */
function watch (context: BrowserContext, page: Page) {
  const seen = { requests: [] as string[], consoleErrors: [] as string[], dialogs: [] as string[] }
  context.on('request', (request) => seen.requests.push(request.url()))
  page.on('console', (message) => { if (message.type() === 'error') seen.consoleErrors.push(message.text()) })
  page.on('pageerror', (error) => seen.consoleErrors.push(error.message))
  page.on('dialog', async (dialog) => {
    seen.dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  return seen
}

/** A table's body rows as [first cell, second cell as a number]. */
async function countRows (page: Page, table: string): Promise<Map<string, number>> {
  const rows = await page.locator(`#${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')))
  return new Map(rows.map(([key, count]) => [key!, Number(count!.replaceAll(',', ''))]))
}

test('the status page in headless Chromium: Basic sign-in, version and age, counts, a failed refresh, nothing external', async (t) => {
  const browser = await launchChromium(t)
  if (browser === null) return

  const dataset = generateDataset({ clients: 80, seed: 5 })
  dataset[3]!.servicos![0]!.tecnologia = HOSTILE
  const simulator = await startSimulator(t, { dataset })
  const clock = new FakeClock()
  const app = await startService(t, simulator, {}, { now: clock.now, timers: clock, random: () => 0 })
  const version = app.refresher.snapshot!.version
  // 3 h 12 min later (past the 15 min floor), HubSoft answers 503 to a manual refresh.
  await clock.advance(192 * MINUTE)
  simulator.faults = { forceStatus: 503 }
  const failed = await app.refresher.refresh('manual')
  assert.ok('outcome' in failed && failed.outcome === 'failed')
  const servicos = dataset.flatMap((cliente) => cliente.servicos ?? [])
  const countOf = (status: string) => servicos.filter((servico) => servico.status_prefixo === status).length

  // The JSON has the same facts the page will show.
  const json = (await app.inject({ url: '/status', headers: { authorization: `Basic ${Buffer.from(`:${KEYS.read}`).toString('base64')}` } })).json()
  assert.equal(json.snapshot.services_by_status.suspenso_debito, countOf('suspenso_debito'))
  assert.deepEqual(json.refresh.recent.map((outcome: { outcome: string, trigger: string, http_status?: number }) => [outcome.outcome, outcome.trigger, outcome.http_status]), [['failed', 'manual', 503], ['success', 'startup', undefined]])
  assert.deepEqual(json.refresh.last, json.refresh.recent[0])
  const origin = await app.listen({ host: '127.0.0.1', port: 0 })

  // Without credentials the browser meets the 401 and its Basic challenge, which headless
  // Chromium cannot answer (no prompt); with a wrong key it gets the 401 itself.
  const stranger = await browser.newContext()
  const strangerPage = await stranger.newPage()
  const challenges: Array<Promise<{ status: number, schemes: string[] }>> = []
  strangerPage.on('response', (answer) => challenges.push(answer.headersArray().then((headers) => ({
    status: answer.status(),
    schemes: headers.filter(({ name }) => name.toLowerCase() === 'www-authenticate').map(({ value }) => value.split(' ', 1)[0]!)
  }))))
  await assert.rejects(strangerPage.goto(`${origin}/status`), /ERR_INVALID_AUTH_CREDENTIALS/)
  assert.deepEqual(await Promise.all(challenges), [{ status: 401, schemes: ['Bearer', 'Basic'] }])
  await stranger.close()
  const wrongKey = await browser.newContext({ httpCredentials: { username: 'ops-on-call', password: 'wrong-key-0123456789abcdef' } })
  const refused = await (await wrongKey.newPage()).goto(`${origin}/status`)
  assert.equal(refused?.status(), 401)
  assert.equal((await refused?.json()).code, 'unauthorized')
  await wrongKey.close()

  const context = await browser.newContext({ httpCredentials: { username: 'ops-on-call', password: KEYS.read }, viewport: { width: 1280, height: 900 } })
  t.after(async () => await context.close())
  const page = await context.newPage()
  const seen = watch(context, page)
  const response = await page.goto(`${origin}/status`)
  assert.equal(response?.status(), 200)
  assert.match(String(response?.headers()['content-type']), /^text\/html; charset=utf-8/)

  assert.equal(await page.textContent('#snapshot-version'), version)
  assert.equal(await page.textContent('#snapshot-age'), '3 h 12 min')
  assert.match(await page.textContent('#ready') ?? '', /Ready/)

  const byStatus = await countRows(page, 'services-by-status')
  assert.equal(byStatus.get('suspenso_debito'), countOf('suspenso_debito'))
  assert.equal(byStatus.get('cancelado'), countOf('cancelado'))
  const byTecnologia = await countRows(page, 'services-by-technology')
  assert.equal(byTecnologia.get('FIBRA'), servicos.filter((servico) => servico.tecnologia?.toLowerCase() === 'fibra').length)
  // The hostile name is shown as text: no element, no script run.
  assert.equal(byTecnologia.get(HOSTILE), 1)
  assert.equal(await page.locator('script').count(), 0)
  assert.deepEqual(seen.dialogs, [])

  const recent = await page.locator('#recent-refreshes tbody tr').allTextContents()
  assert.equal(recent.length, 2)
  assert.match(recent[0]!, /failed\s*manual/)
  assert.match(recent[0]!, /http_status \(HTTP 503\)/)
  assert.match(recent[1]!, /success\s*startup/)
  assert.match(await page.textContent('#refresh') ?? '', /Consecutive failures\s*1/)

  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: new URL('status-page.png', ARTIFACTS).pathname, fullPage: true })

  assert.ok(seen.requests.length > 0)
  assert.deepEqual(seen.requests.filter((url) => !url.startsWith(`${origin}/`)), [], 'the page loads nothing from elsewhere')
  assert.deepEqual(seen.consoleErrors, [])
})

test('the status page renders before the first snapshot (cold start)', async (t) => {
  const browser = await launchChromium(t)
  if (browser === null) return
  const simulator = await startSimulator(t, { clients: 5, seed: 1 })
  const app = await startService(t, simulator, {}, { start: false })
  const origin = await app.listen({ host: '127.0.0.1', port: 0 })
  const context = await browser.newContext({ httpCredentials: { username: '', password: KEYS.admin } })
  t.after(async () => await context.close())
  const page = await context.newPage()
  const seen = watch(context, page)
  assert.equal((await page.goto(`${origin}/status`))?.status(), 200)
  assert.match(await page.textContent('#ready') ?? '', /Not ready/)
  assert.match(await page.textContent('#snapshot') ?? '', /No snapshot/)
  assert.match(await page.textContent('#recent') ?? '', /No refresh/)
  assert.deepEqual(seen.consoleErrors, [])
})
