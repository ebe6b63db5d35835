/**
 * tests/sim/chromium.ts — headless Chromium for the browser tests and the
 * HTML benchmark: Debian's `chromium` package (.ci/run installs it; README
 * "Heap pictures") driven by playwright-core through executablePath, since
 * Playwright's own browser download cannot work on this closed network.
 *
 * Flags: --no-sandbox (we run as root), and every background connection
 * off (networking, component updates, sync, QUIC, first-run): without them
 * Chromium keeps trying to reach Google's hosts here and stalls. Each launch
 * gets a fresh --user-data-dir, removed by close().
 *
 * A missing browser is an error that says how to install it, never a skip.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BrowserContext, chromium } from "playwright-core"

/** Where the browser is: $BAREHEAP_CHROMIUM, else Debian's /usr/bin/chromium. */
export const CHROMIUM = process.env["BAREHEAP_CHROMIUM"] ?? "/usr/bin/chromium"

export const CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

export interface Browser {
    context: BrowserContext
    close(): Promise<void>
}

export async function launchChromium(): Promise<Browser> {
    if (!existsSync(CHROMIUM))
        throw new Error(
            `Chromium not found at ${CHROMIUM}: the browser tests need Debian's chromium package ` +
                `(apt-get update && apt-get install -y chromium; .ci/run does this), or BAREHEAP_CHROMIUM=<path to a Chromium binary>`,
        )
    const dir = mkdtempSync(join(tmpdir(), "bareheap-chromium-"))
    const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1100, height: 900 } })
    return {
        context,
        async close() {
            await context.close()
            rmSync(dir, { recursive: true, force: true })
        },
    }
}
