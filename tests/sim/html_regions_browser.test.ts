/**
 * tests/sim/html_regions_browser.test.ts — the HTML report of a multi-region
 * heap in real headless Chromium (tests/sim/chromium.ts): one band per
 * region with the hole between them drawn as a hole (not free space, no
 * tooltip), each block drawn in its own region's band, the chip map marks
 * every region, and the regions table agrees with the decoder's per-region
 * counts at the scrubbed event. The stream is real: a MultiAllocator over a
 * TLSF, a buddy and a bump region, through the logging layer
 * (tests/helpers/region_streams.ts).
 */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { StreamDecoder } from "../../sim/decoder"
import { writeReport } from "../../sim/html/report_file"
import { BAREHEAP, ROOT } from "../helpers/firmware_stream"
import { THREE, threeRegionStream } from "../helpers/region_streams"
import { Browser, launchChromium } from "./chromium"

// page.evaluate callbacks run in the browser (the tsconfig has no DOM lib)
declare const window: any, document: any

const STREAM = threeRegionStream()
const dir = mkdtempSync(join(tmpdir(), "bareheap-regions-browser-"))

/** The decoder after the first e+1 events of STREAM. */
function decoderAt(e: number): StreamDecoder {
    const d = new StreamDecoder()
    let n = 0
    for (const line of STREAM) {
        if (n > e) break
        if (d.push(line)) n++
    }
    return d
}

/**
 * client.js's geometry for THREE (16 KiB in regions): the smallest power-of-two row size ≥ 64 B
 * giving ≤ 40 rows is 512 B (32 rows) of 960 px, 10 px a row; a 14 px caption above each band and
 * a 16 px strip for the hole between regions 0 and 1 (regions 1 and 2 touch: no strip).
 */
const ROW_BYTES = 512
const TOPS = [14, 14 + 160 + 16 + 14, 14 + 160 + 16 + 14 + 80 + 14]
const HOLE_Y = 14 + 160 + 8
const HEIGHT = TOPS[2] + 80
const FREE = [0xee, 0xf1, 0xf4, 255]

/** Canvas position of byte `off` of region `i`. */
function at(i: number, off: number): { x: number; y: number } {
    return { x: ((off % ROW_BYTES) * 960) / ROW_BYTES + 3, y: TOPS[i] + Math.floor(off / ROW_BYTES) * 10 + 4 }
}

const text = (page: Page, sel: string) => page.locator(sel).textContent()
const rows = (page: Page, sel: string) => page.locator(`${sel} tbody tr`).evaluateAll(trs => trs.map(tr => Array.from(tr.querySelectorAll("td"), (td: any) => td.textContent as string)))
const pixel = (page: Page, p: { x: number; y: number }) => page.evaluate(([x, y]) => Array.from(document.getElementById("map").getContext("2d").getImageData(x, y, 1, 1).data), [p.x, p.y])

let browser: Browser
let page: Page
beforeAll(async () => {
    browser = await launchChromium()
    const file = join(dir, "regions.html")
    writeReport(STREAM.join("\n"), file, { source: "three-regions.log" })
    page = await browser.context.newPage()
    await page.goto("file://" + file)
    await page.waitForFunction(() => window.bareheap?.ready === true)
})
afterAll(async () => {
    await browser?.close()
})

describe("the HTML report of a three-region heap in Chromium", () => {
    it("has a regions table that follows the scrubber with the decoder's per-region counts", async () => {
        const end = decoderAt(Infinity)
        for (const e of [3, 20, 45, STREAM.length - 1]) {
            await page.locator("#scrubber").fill(String(e))
            const d = decoderAt(e)
            await expect.poll(() => text(page, "#now-blocks")).toBe(String(d.blocks().length))
            expect(await rows(page, "#regions")).toEqual(
                end.regions.map((r, i) => {
                    const c = d.regionCounts[i] ?? { liveBlocks: 0, liveBytes: 0 }
                    const tags = r.tags.length ? r.tags.join(",") : "-"
                    return [String(r.index), `0x${r.base.toString(16)}–0x${(r.base + r.size - 1).toString(16)}`, `${r.size / 1024} KiB`, r.kind, tags, String(c.liveBlocks), String(c.liveBytes), `${((100 * c.liveBytes) / r.size).toFixed(1)} %`, String(end.regionCounts[i].peakLiveBytes)]
                }),
            )
        }
        expect(await text(page, "#regions-note")).toContain("3 regions; the holes between them are not heap.")
        await page.locator("#scrubber").fill("2")
        expect(await text(page, "#now-event")).toBe("seq 0x2: region 1 0x20030000–0x20030fff buddy")
    })

    it("draws one band per region and the hole as a hole: each block in its own band, no tooltip over the hole", async () => {
        const last = STREAM.length - 1
        await page.locator("#scrubber").fill(String(last))
        expect(await page.evaluate(() => document.getElementById("map").height)).toBe(HEIGHT)
        const d = decoderAt(last)
        for (let i = 0; i < 3; i++) {
            const r = THREE[i]
            const blk = d.blocks().find(b => b.ptr >= r.base && b.ptr < r.base + r.size && b.size >= 16)!
            expect(blk, `a block in region ${i}`).toBeDefined()
            const p = at(i, blk.ptr - r.base + 4)
            expect(await pixel(page, p)).not.toEqual(FREE)
            await page.locator("#map").hover({ position: p })
            const tip = await text(page, "#tooltip")
            expect(tip).toContain(`pointer   0x${blk.ptr.toString(16)}`)
            expect(tip).toContain(`region    ${i} (${r.kind}, tags ${r.tags.length ? r.tags.join(",") : "-"})`)
        }
        // Free bytes of region 0 (TLSF's last kilobyte is free: small blocks sit at its start) are FREE; the hole strip is not.
        expect(await pixel(page, at(0, 0x2000 - 1024))).toEqual(FREE)
        const hole = await pixel(page, { x: 481, y: HOLE_Y })
        expect(hole).not.toEqual(FREE)
        await page.locator("#map").hover({ position: { x: 700, y: HOLE_Y } })
        expect(await page.locator("#tooltip").isHidden()).toBe(true)
        expect(await text(page, "#legend")).toContain("hole between regions (not heap)")
    })

    it("marks every region in the chip's memory map", async () => {
        expect(await page.locator("#memory-map .mm-heap").count()).toBe(3)
        const titles = await page.locator("#memory-map .mm-heap").evaluateAll(els => els.map((e: any) => e.title))
        expect(titles).toEqual(THREE.map((r, i) => `heap region ${i} 0x${r.base.toString(16)}+${r.size / 1024} KiB`))
        expect(await text(page, "#memory-map")).toContain("heap: 3 regions, 16 KiB in all (from the stream's header), multi allocator")
    })

    it("loads a stream cut before its region table without drawing the span as memory", async () => {
        const file = join(dir, "cut.html")
        writeReport(STREAM.slice(0, 2).join("\n"), file, { source: "cut.log" }) // ~H and region 0's ~M of 3
        const cut = await browser.context.newPage()
        const errors: string[] = []
        cut.on("pageerror", e => errors.push(e.message))
        await cut.goto("file://" + file)
        await cut.waitForFunction(() => window.bareheap?.ready === true)
        expect(errors).toEqual([])
        expect(await rows(cut, "#regions")).toEqual([["0", "0x20020000–0x20021fff", "8 KiB", "tlsf", "fast", "0", "0", "0.0 %", "0"]])
        expect(await text(cut, "#regions-note")).toContain("The region table is incomplete")
        // A v3 stream is drawn region by region even while its table is incomplete: region 0's caption and 32 rows of 256 B.
        expect(await cut.evaluate(() => document.getElementById("map").height)).toBe(14 + 32 * 10)
        await cut.close()
    })

    it("draws the regions on the live page as the table arrives (bareheap view --serve)", async () => {
        const child = spawn(process.execPath, [BAREHEAP, "view", "--serve", "0"], { stdio: "pipe", cwd: ROOT })
        try {
            let out = ""
            child.stdout.on("data", b => (out += b))
            await expect.poll(() => out, { timeout: 20000 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\//)
            const live = await browser.context.newPage()
            await live.goto(/http:\/\/127\.0\.0\.1:\d+\//.exec(out)![0])
            await live.waitForFunction(() => window.bareheap?.ready === true)
            child.stdin.write(STREAM.slice(0, 2).join("\n") + "\n") // the header and region 0 of 3
            await expect.poll(() => rows(live, "#regions").then(r => r.map(x => x[0])), { timeout: 10000 }).toEqual(["0"])
            child.stdin.write(STREAM.slice(2).join("\n") + "\n")
            await expect.poll(() => rows(live, "#regions").then(r => r.map(x => x[0])), { timeout: 10000 }).toEqual(["0", "1", "2"])
            const d = decoderAt(Infinity)
            await expect.poll(() => rows(live, "#regions").then(r => r.map(x => x[6])), { timeout: 10000 }).toEqual(d.regionCounts.map(c => String(c.liveBytes)))
            expect(await live.evaluate(() => document.getElementById("map").height)).toBe(HEIGHT)
            await live.close()
        } finally {
            child.kill("SIGTERM")
        }
    })
})
