/**
 * bench/html.ts — `npx tsx bench/html.ts` → bench/html.md (and the README's
 * screenshots in docs/): what the HTML heap report costs.
 *
 *   - generation: `bareheap view <stream> --html` minus process start-up
 *     (decode with ReportBuilder + render the page + write it), and the file
 *     size, for workload streams (bench/html_stream.ts) of 10^4, 10^5, 10^6 events;
 *   - in headless Chromium (tests/sim/chromium.ts): time from navigation
 *     start to the first contentful paint and to the frame after the heap
 *     map was first drawn, and the time per scrub frame: window.bareheap.seek(e)
 *     to a random event (rebuild the live set from a snapshot, draw the map,
 *     update the text) measured synchronously and up to the next frame.
 *
 * Targets (issue 12): first paint ≤ 2 s at 10^5 events; a scrub frame ≤ 50 ms.
 * Not a test: the machine is shared, so every number is the median of REPEATS
 * runs and the page numbers come from one browser run side by side.
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { StreamDecoder } from "../sim/decoder"
import { writeReport } from "../sim/html/report_file"
import { launchChromium } from "../tests/sim/chromium"
import { heapStream } from "./html_stream"

/** Workloads: events, and live blocks the fill phase aims at (~120 is the usual; the dense one stresses the map and the scrub). */
// page.evaluate callbacks run in the browser; the project's tsconfig has no DOM lib, so its globals are untyped here
declare const window: any, document: any, requestAnimationFrame: any

const SIZES: { events: number; target: number; allocator?: string }[] = [
    { events: 1e4, target: 120 },
    { events: 1e5, target: 120 },
    { events: 1e6, target: 120 },
    { events: 1e5, target: 1500, allocator: "tlsf" },
].filter(w => !process.env["BENCH_HTML_QUICK"] || w.events <= 1e4)
const REPEATS = 3
const SCRUBS = 60
const here = fileURLToPath(new URL(".", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "bareheap-bench-html-"))
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]

interface PageTimes {
    fcp: number
    drawn: number
    seekSync: number[]
    seekFrame: number[]
}

async function main() {
    const rows: string[] = []
    const browser = await launchChromium()
    try {
        for (const { events: n, target, allocator } of SIZES) {
            const lines = heapStream({ events: n, target, allocator })
            const maxLive = maxLiveBlocks(lines)
            const text = lines.join("\n")
            const file = join(dir, `r${n}-${target}.html`)
            const gen: number[] = []
            for (let r = 0; r < REPEATS; r++) {
                const t0 = performance.now()
                writeReport(text, file, { source: `workload-${n}.log` })
                gen.push(performance.now() - t0)
            }
            const bytes = statSync(file).size
            const runs: PageTimes[] = []
            for (let r = 0; r < REPEATS; r++) {
                const page = await browser.context.newPage()
                await page.goto("file://" + file, { timeout: 120_000 })
                await page.waitForFunction(() => (window as any).bareheap?.paintedAt > 0, undefined, { timeout: 120_000 })
                runs.push(
                    await page.evaluate(async (scrubs: number) => {
                        const bh = (window as any).bareheap
                        const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN
                        const seekSync: number[] = []
                        const seekFrame: number[] = []
                        let x = 12345
                        for (let i = 0; i < scrubs; i++) {
                            x = (x * 1103515245 + 12345) % 2147483648
                            const e = x % bh.events()
                            const t0 = performance.now()
                            bh.seek(e)
                            void document.body.offsetHeight // force style and layout
                            seekSync.push(performance.now() - t0)
                            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))
                            seekFrame.push(performance.now() - t0)
                        }
                        return { fcp, drawn: bh.paintedAt, seekSync, seekFrame }
                    }, SCRUBS),
                )
                await page.close()
            }
            const sync = runs.flatMap(r => r.seekSync)
            const frame = runs.flatMap(r => r.seekFrame)
            const row = [
                n.toLocaleString("en") + (allocator ? ` (dense, ${allocator})` : ""),
                String(maxLive),
                lines.length.toLocaleString("en"),
                median(gen).toFixed(0),
                (bytes / 1e6).toFixed(2),
                (bytes / lines.length).toFixed(1),
                median(runs.map(r => r.fcp)).toFixed(0),
                median(runs.map(r => r.drawn)).toFixed(0),
                `${median(sync).toFixed(1)} / ${pct(sync, 0.95).toFixed(1)}`,
                `${median(frame).toFixed(1)} / ${pct(frame, 0.95).toFixed(1)}`,
            ]
            console.log(row.join("  "))
            rows.push(`| ${row.join(" | ")} |`)
        }
        await screenshots(browser)
    } finally {
        await browser.close()
    }
    const md = `# HTML heap report: cost (bench/html.ts)

Measured by \`npx tsx bench/html.ts\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, Debian's Chromium
headless, on a 2-core machine shared with other jobs: each number is the median of ${REPEATS} runs
(scrub: ${SCRUBS} random events per run, median / 95th percentile over all runs). Streams are
bench/html_stream.ts workloads (buddy on the Pico's 32 KiB region, ~120 live blocks; the dense one TLSF filling the region,
~S every 64 calls, a leak report after every churn phase). Report files gzip their columns.

| Workload events | Most live blocks | Protocol lines | Generate (ms) | File (MB) | Bytes/event | First contentful paint (ms) | Heap map drawn (ms) | Scrub, sync (ms, median / p95) | Scrub to next frame (ms, median / p95) |
|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

- **Generate**: decode once (ReportBuilder), render and write the page, in this process (no start-up).
- **First contentful paint**: the browser's \`first-contentful-paint\` entry, from navigation start.
- **Heap map drawn**: from navigation start to the frame after client.js first drew the whole page
  (memory map, heap map, timeline, tables): what a reader waits for.
- **Scrub, sync**: \`window.bareheap.seek(e)\` plus a forced layout: rebuild the live set from the
  nearest snapshot (every 1,024 events), draw the heap map, update the text.
- **Scrub to next frame**: the same up to the next animation frame (includes waiting for it).

Targets (issue 12): first paint ≤ 2 s at 10^5 events, a scrub frame ≤ 50 ms.
`
    writeFileSync(join(here, "html.md"), md)
    console.log("wrote bench/html.md")
}

/** docs/html-report.png and html-timeline.png: a report at a busy moment of a 3,000-event workload, for the README. */
async function screenshots(browser: Awaited<ReturnType<typeof launchChromium>>) {
    const file = join(dir, "shot.html")
    const lines = heapStream({ events: 3000, seed: 7 })
    writeReport(lines.join("\n"), file, { source: "workload.log" })
    // just after the leak report of a churn phase: ~L lines carry the tags, so most blocks have one here
    const at = lines.findIndex((l, i) => i > 1500 && l.startsWith("~L") && !lines[i + 1].startsWith("~L")) + 1
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 1040, height: 1000 })
    await page.goto("file://" + file)
    await page.waitForFunction(() => (window as any).bareheap?.paintedAt > 0)
    await page.evaluate((e: number) => (window as any).bareheap.seek(e), at)
    mkdirSync(join(here, "../docs"), { recursive: true })
    await page.screenshot({ path: join(here, "../docs/html-report.png") })
    await page.setViewportSize({ width: 1040, height: 760 })
    await page.locator("#timeline-section").scrollIntoViewIfNeeded()
    await page.evaluate(() => document.getElementById("timeline-section")!.scrollIntoView())
    await page.screenshot({ path: join(here, "../docs/html-timeline.png") })
    await page.close()
}

/** The most blocks live at once in the stream (what a scrub frame draws). */
function maxLiveBlocks(lines: string[]): number {
    const d = new StreamDecoder()
    let max = 0
    for (const l of lines) if (d.push(l)) max = Math.max(max, d.counts.liveBlocks)
    return max
}

main().catch(e => {
    console.error(e)
    process.exitCode = 1
})
