/**
 * tests/sim/html_browser.test.ts — the heap report and the live page in real
 * headless Chromium (Debian's package, tests/sim/chromium.ts): the DOM agrees
 * with the decoder's model at the scrubbed event (live blocks and bytes, the
 * block list), with its final statistics and leak report; the scrubber, the
 * timeline, hovering and clicking a block work; the live page follows lines
 * fed to `bareheap view --serve`, pauses and scrubs; hostile text from a
 * stream or a file name shows as text and never runs (a sentinel global stays
 * unset).
 */
import { ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { heapStream } from "../../bench/html_stream"
import { StreamDecoder } from "../../sim/decoder"
import { writeReport } from "../../sim/html/report_file"
import { Browser, launchChromium } from "./chromium"

// page.evaluate callbacks run in the browser; the project's tsconfig has no DOM lib (it would hide Node-side mistakes), so its globals are untyped here
declare const window: any, document: any
type HTMLCanvasElement = any

const STREAM = heapStream({ events: 3000, seed: 7 })
const dir = mkdtempSync(join(tmpdir(), "bareheap-browser-"))
const hex = (n: number) => "0x" + n.toString(16)

/** The decoder after the first e+1 events (protocol lines) of `lines`. */
function decoderAt(lines: string[], e: number): StreamDecoder {
    const d = new StreamDecoder()
    let n = 0
    for (const line of lines) {
        if (n > e) break
        if (d.push(line)) n++
    }
    return d
}

const text = (page: Page, sel: string) => page.locator(sel).textContent()
const rows = (page: Page, sel: string) => page.locator(`${sel} tbody tr`).evaluateAll(trs => trs.map(tr => Array.from(tr.querySelectorAll("td"), (td: any) => td.textContent as string)))

async function expectModelAt(page: Page, lines: string[], e: number) {
    const d = decoderAt(lines, e)
    const blocks = d.blocks()
    await expect.poll(() => text(page, "#now-blocks")).toBe(String(blocks.length))
    expect(await text(page, "#now-bytes")).toBe(String(blocks.reduce((n, b) => n + b.size, 0)))
    const listed = (await rows(page, "#blocks-table")).map(r => r.slice(0, 3))
    expect(listed).toEqual(blocks.map(b => [hex(b.ptr), String(b.size), String(b.align)]))
}

let browser: Browser
beforeAll(async () => {
    browser = await launchChromium()
})
afterAll(async () => {
    await browser?.close()
})

describe("the HTML report in Chromium", () => {
    let page: Page
    beforeAll(async () => {
        const file = join(dir, "report.html")
        writeReport(STREAM.join("\n"), file, { source: "workload.log" })
        page = await browser.context.newPage()
        await page.goto("file://" + file)
        await page.waitForFunction(() => (window as unknown as { bareheap?: { ready: boolean } }).bareheap?.ready === true)
        await page.locator("#blocks-list summary").click() // opens the live-block list
    })

    it("shows the decoder's blocks and bytes at the scrubbed event", async () => {
        for (const e of [0, 10, 1000, 2222, STREAM.length - 1]) {
            await page.locator("#scrubber").fill(String(e))
            expect(await page.evaluate(() => document.body.dataset["event"])).toBe(String(e))
            await expectModelAt(page, STREAM, e)
        }
    })

    it("shows the decoder's final statistics and leak report", async () => {
        const d = decoderAt(STREAM, Infinity)
        const fin = new Map((await rows(page, "#final")).map(([k, v]) => [k, v]))
        expect(fin.get("events (protocol lines)")).toBe(String(d.events))
        expect(fin.get("allocs")).toBe(String(d.counts.allocs))
        expect(fin.get("deallocs")).toBe(String(d.counts.deallocs))
        expect(fin.get("failed calls (~X)")).toBe(String(d.counts.failures))
        expect(Number(fin.get("failed calls (~X)"))).toBeGreaterThan(0)
        expect(fin.get("live blocks at the end")).toBe(String(d.blocks().length))
        expect(fin.get("last ~S: in use")).toBe(String(d.stats!.inUse))
        const leaks = (await rows(page, "#leaks")).map(r => r.slice(0, 4))
        expect(leaks).toEqual(d.leakReport!.entries.map(l => [hex(l.ptr), String(l.size), String(l.align), l.kind]))
        expect(leaks.length).toBeGreaterThan(3)
        expect(await rows(page, "#anomalies")).toEqual([])
        // One region (a version-2 stream): its row at the last event is the decoder's whole heap.
        await page.locator("#scrubber").fill(String(STREAM.length - 1))
        const r = d.regions[0]
        const c = d.regionCounts[0]
        expect(await rows(page, "#regions")).toEqual([["0", `${hex(r.base)}–${hex(r.base + r.size - 1)}`, "32 KiB", r.kind, "-", String(c.liveBlocks), String(c.liveBytes), `${((100 * c.liveBytes) / r.size).toFixed(1)} %`, String(c.peakLiveBytes)]])
        expect(c.liveBlocks).toBe(d.blocks().length)
    })

    it("moves the scrubber when the timeline is clicked, and plays", async () => {
        await page.locator("#scrubber").fill("0")
        const over = page.locator("#timeline .u-over")
        const box = (await over.boundingBox())!
        await over.click({ position: { x: box.width * 0.25, y: box.height / 2 } })
        const a = Number(await page.locator("#scrubber").inputValue())
        await over.click({ position: { x: box.width * 0.75, y: box.height / 2 } })
        const b = Number(await page.locator("#scrubber").inputValue())
        expect(a).toBeGreaterThan(STREAM.length * 0.15)
        expect(b).toBeGreaterThan(a + STREAM.length * 0.3)
        await expectModelAt(page, STREAM, b)
        await page.locator("#play").click()
        await expect.poll(async () => Number(await page.locator("#scrubber").inputValue()), { timeout: 5000 }).toBeGreaterThan(b)
        await page.locator("#play").click()
    })

    it("tells a block's pointer, size, alignment, allocating seq and tag on hover and click", async () => {
        await page.locator("#scrubber").fill("2500")
        const d = decoderAt(STREAM, 2500)
        const blk = d.blocks()[3]
        // client.js's geometry for a 32 KiB region: 1024 bytes a row of 960 px, 10 px a row
        const off = blk.ptr - 0x20020000
        const x = ((off % 1024) * 960) / 1024 + 1
        const y = Math.floor(off / 1024) * 10 + 4
        await page.locator("#map").hover({ position: { x, y } })
        const tip = await text(page, "#tooltip")
        expect(tip).toContain(`pointer   ${hex(blk.ptr)}`)
        expect(tip).toContain(`size      ${blk.size} B`)
        expect(tip).toContain(`alignment ${blk.align}`)
        expect(tip).toMatch(/allocated at seq 0x[0-9a-f]+ \(event \d+\)\ntag {7}\S+/)
        await page.locator("#map").click({ position: { x, y } })
        expect(await text(page, "#block-info")).toBe(tip)
    })

    it("draws blocks, free space and the allocator's metadata in distinct colours", async () => {
        await page.locator("#scrubber").fill("2500")
        const d = decoderAt(STREAM, 2500)
        const pixel = (off: number) =>
            page.evaluate(
                ([px, py]) => Array.from((document.getElementById("map") as HTMLCanvasElement).getContext("2d")!.getImageData(px, py, 1, 1).data),
                [((off % 1024) * 960) / 1024 + 3, Math.floor(off / 1024) * 10 + 4],
            )
        const used = new Set<number>()
        for (const b of d.blocks()) for (let o = b.ptr - 0x20020000; o < b.ptr - 0x20020000 + Math.max(1, b.size); o++) used.add(o)
        const big = d.blocks().find(b => b.size >= 16)!
        let free = 0
        while (used.has(free) || used.has(free + 1) || used.has(free + 2) || used.has(free + 3) || used.has(free + 4)) free++
        const block = await pixel(big.ptr - 0x20020000 + 6)
        const meta = await pixel(0x8000 - 40) // buddy keeps its metadata at the region's end
        const freePx = await pixel(free + 1)
        expect(freePx).toEqual([0xee, 0xf1, 0xf4, 255]) // FREE in client.js
        expect(meta).toEqual([0x3b, 0x42, 0x52, 255]) // META
        expect(block).not.toEqual(freePx)
        expect(block).not.toEqual(meta)
        await page.locator("#colour-by").selectOption("age")
        const byAge = await pixel(big.ptr - 0x20020000 + 6)
        await page.locator("#colour-by").selectOption("tag")
        expect(byAge).not.toEqual(block)
        expect(await pixel(big.ptr - 0x20020000 + 6)).toEqual(block)
    })
})

describe("hostile text", () => {
    const payloads = [
        "<script>window.__pwned=1</script>",
        "</script><script>window.__pwned=2</script>",
        "<img src=x onerror=window.__pwned=3>",
        "javascript:window.__pwned=4",
    ]
    it("shows a label, a protocol error and a file name as those characters, and runs none of them", async () => {
        const lines = ["~H 0 2 pico buddy 20020000 8000 1000 7ff 0", "~A 1 0 c 4", ...payloads.map((p, i) => `~P ${2 + i} ${p}`), `~L 2 0 c 4 ${payloads[2]}`]
        const file = join(dir, "hostile.html")
        writeReport(lines.join("\n"), file, { source: payloads[1] })
        const page = await browser.context.newPage()
        await page.goto("file://" + file)
        await page.waitForFunction(() => (window as unknown as { bareheap?: { ready: boolean } }).bareheap?.ready === true)
        const messages = (await rows(page, "#anomalies")).map(r => r[3])
        payloads.forEach((p, i) => expect(messages[i]).toContain(`"~P ${2 + i} ${p}"`))
        expect(messages[4]).toContain(payloads[2])
        expect(await text(page, "#subtitle")).toContain(payloads[1])
        expect(await page.title()).toContain(payloads[1])
        expect(await page.evaluate(() => [(window as unknown as { __pwned?: number }).__pwned, document.images.length, document.scripts.length])).toEqual([undefined, 0, 3])
        await page.locator("#scrubber").fill("0")
        await page.locator("#anomalies tbody tr").first().click() // the first error comes after events 0 and 1
        expect(await page.locator("#scrubber").inputValue()).toBe("1")
        await page.close()
    })
})

describe("the live page (bareheap view --serve)", () => {
    let child: ChildProcessWithoutNullStreams
    afterAll(() => {
        if (child && child.exitCode === null) child.kill("SIGTERM")
    })

    it("follows lines as they are fed, pauses, scrubs, and shows hostile lines as text", async () => {
        child = spawn("node", [join(__dirname, "../../bin/bareheap.mjs"), "view", "--serve", "0"], { stdio: "pipe" })
        let out = ""
        child.stdout.on("data", b => (out += b))
        await expect.poll(() => out, { timeout: 20000 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\//)
        const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)![0]
        const page = await browser.context.newPage()
        await page.goto(url)
        await page.waitForFunction(() => (window as unknown as { bareheap?: { ready: boolean } }).bareheap?.ready === true)
        await page.locator("#blocks-list summary").click()
        const part1 = STREAM.slice(0, 600)
        child.stdin.write(part1.join("\n") + "\n")
        await expect.poll(() => page.locator("#scrubber").getAttribute("max"), { timeout: 10000 }).toBe("599")
        expect(await page.locator("#scrubber").inputValue()).toBe("599") // following the end
        await expectModelAt(page, STREAM, 599)

        await page.locator("#pause").click()
        child.stdin.write(STREAM.slice(600, 1500).join("\n") + "\n")
        await expect.poll(() => page.locator("#scrubber").getAttribute("max"), { timeout: 10000 }).toBe("1499")
        expect(await page.locator("#scrubber").inputValue()).toBe("599") // paused: it stayed
        await page.locator("#scrubber").fill("1200")
        await expectModelAt(page, STREAM, 1200)
        await page.locator("#pause").click() // follow again
        expect(await page.locator("#scrubber").inputValue()).toBe("1499")
        await expectModelAt(page, STREAM, 1499)

        child.stdin.write("~P 5dc <img src=x onerror=window.__pwned=1>\n")
        await expect.poll(async () => (await rows(page, "#anomalies")).map(r => r[3]).join("\n"), { timeout: 10000 }).toContain("<img src=x onerror=window.__pwned=1>")
        expect(await page.evaluate(() => [(window as unknown as { __pwned?: number }).__pwned, document.images.length])).toEqual([undefined, 0])
        await page.close()
        child.kill("SIGTERM")
        await expect.poll(() => child.exitCode, { timeout: 10000 }).toBe(0)
    })

    it("is served by bareheap monitor --serve, fed lines as they arrive", async () => {
        const mon = spawn("node", [join(__dirname, "../../bin/bareheap.mjs"), "monitor", "--file", "-", "--plain", "--serve", "0"], { stdio: "pipe" })
        try {
            let err = ""
            mon.stderr.on("data", b => (err += b))
            await expect.poll(() => err, { timeout: 20000 }).toMatch(/live heap page at http:\/\/127\.0\.0\.1:\d+\//)
            const page = await browser.context.newPage()
            await page.goto(/http:\/\/127\.0\.0\.1:\d+\//.exec(err)![0])
            await page.waitForFunction(() => (window as unknown as { bareheap?: { ready: boolean } }).bareheap?.ready === true)
            await page.locator("#blocks-list summary").click()
            for (const [from, to] of [[0, 300], [300, 800]]) {
                mon.stdin.write(STREAM.slice(from, to).join("\n") + "\n")
                await expect.poll(() => page.locator("#scrubber").getAttribute("max"), { timeout: 10000 }).toBe(String(to - 1))
                await expectModelAt(page, STREAM, to - 1)
            }
            await page.close()
            mon.stdin.end()
            await expect.poll(() => err, { timeout: 10000 }).toContain("stays at")
            mon.kill("SIGINT")
            await expect.poll(() => mon.exitCode, { timeout: 10000 }).not.toBeNull()
        } finally {
            if (mon.exitCode === null) mon.kill("SIGKILL")
        }
    })
})
