/**
 * tests/sim/regions_view.test.ts — every viewer draws each region of a
 * multi-region heap (protocol v3, issue 15): the text view (`bareheap view`,
 * `bareheap start --allocator multi`), the live view's frame and the HTML
 * report's data, checked against the decoder's regions and regionCounts on
 * real streams (the firmware's multi heap, a three-region heap of three
 * kinds; tests/helpers/region_streams.ts) and hand-written v3 lines for the
 * edge cases (a table lost in a gap, a block in a hole). Single-region
 * streams keep their old output.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, test } from "vitest"
import { ReportBuilder } from "../../sim/html/report_model"
import { Recent, renderFrame } from "../../sim/live_view"
import { regionHoles } from "../../sim/regions"
import { HeapStream } from "../../sim/stream"
import { HeapViewer } from "../../sim/viewer"
import { BAREHEAP, ROOT } from "../helpers/firmware_stream"
import { firmwareMultiStream, THREE, threeRegionStream } from "../helpers/region_streams"

const hex8 = (n: number) => "0x" + n.toString(16).padStart(8, "0")
const range = (b: number, s: number) => `${hex8(b)}–${hex8(b + s - 1)}`

function viewerOf(lines: string[], allowGaps = false): HeapViewer {
    const v = new HeapViewer({ allowGaps })
    for (const l of lines) v.push(l)
    return v
}

/** The lines of `text` from the first line starting with `from` up to (not including) the first after it starting with `to`. */
function section(text: string, from: string, to: string): string[] {
    const lines = text.split("\n")
    const a = lines.findIndex(l => l.startsWith(from))
    const b = lines.findIndex((l, i) => i > a && l.startsWith(to))
    expect(a, from).toBeGreaterThanOrEqual(0)
    return lines.slice(a, b < 0 ? undefined : b)
}

/** The rows of the "regions at the end" table, split on runs of spaces. */
function regionTable(text: string): string[][] {
    const t = section(text, "regions at the end", "last stats")
    return t.slice(2).filter(l => /^ +\d+ /.test(l)).map(l => l.trim().split(/ {2,}/))
}

let firmware: string[] = []
let three: string[] = []
beforeAll(() => {
    firmware = firmwareMultiStream()
    three = threeRegionStream()
})

describe("text view of a multi-region heap", () => {
    test("the firmware's multi heap: a caption and a map per region, the hole named and never drawn, the memory map places each region", () => {
        expect(firmware[0]).toMatch(/^~H 0 3 pico multi( [0-9a-f]+){6}$/)
        const v = viewerOf(firmware)
        const d = v.decoder
        expect(d.regions.length).toBeGreaterThanOrEqual(2)
        const text = v.render()
        expect(text).toContain(`allocator multi: ${d.regions.length} regions, ${d.regions.reduce((n, r) => n + r.size, 0)} B in all, spanning ${range(d.header!.base, d.header!.size)}`)
        for (const r of d.regions) {
            expect(text).toContain(`  region ${r.index}: ${range(r.base, r.size)}, `)
            expect(text).toContain(`    └ heap region ${r.index} ${range(r.base, r.size)}`)
        }
        const holes = regionHoles(d.regions)
        expect(holes.length).toBeGreaterThan(0)
        for (const hole of holes) expect(text).toContain(`  hole ${range(hole.base, hole.size)} (${hole.size} B): not heap, not drawn`)
        // Every map row starts at an address inside a region: nothing of the hole is drawn as memory.
        const rowAddrs = text.split("\n").filter(l => /^ {2}0x[0-9a-f]{8} [#+=\-.]+$/.test(l)).map(l => parseInt(l.slice(2, 12), 16))
        expect(rowAddrs.length).toBeGreaterThan(10)
        for (const a of rowAddrs) expect(d.regionOf(a), hex8(a)).toBeGreaterThanOrEqual(0)
        expect(new Set(rowAddrs.map(a => d.regionOf(a))).size).toBe(d.regions.length)
        // One map per region for each phase drawn and at the end.
        const phases = text.split("\n").filter(l => l.startsWith("heap at the peak of phase")).length
        for (const r of d.regions) expect(text.split("\n").filter(l => l.startsWith(`  region ${r.index}: `) && /: \d+ live blocks?, \d+ B$/.test(l))).toHaveLength(phases + 1)
    })

    test("the usage table at the end is the decoder's per-region counts", () => {
        for (const lines of [firmware, three]) {
            const v = viewerOf(lines)
            const rows = regionTable(v.render())
            expect(rows).toEqual(
                v.decoder.regions.map((r, i) => {
                    const c = v.decoder.regionCounts[i]
                    return [String(r.index), range(r.base, r.size), String(r.size), r.kind, r.tags.length ? r.tags.join(",") : "-", String(c.liveBlocks), String(c.liveBytes), String(c.peakLiveBytes), `${((100 * c.liveBytes) / r.size).toFixed(1)} %`]
                }),
            )
        }
        // The peaks really are per region: they differ, and none is above its region's size.
        const v = viewerOf(firmware)
        const peaks = v.decoder.regionCounts.map(c => c.peakLiveBytes)
        expect(new Set(peaks).size).toBeGreaterThan(1)
        v.decoder.regions.forEach((r, i) => expect(peaks[i]).toBeLessThanOrEqual(r.size))
    })

    test("three regions of three kinds: each map draws its own blocks and its own allocator's metadata; adjacent regions have no hole line", () => {
        const v = viewerOf(three)
        const d = v.decoder
        expect(d.regions.map(r => [r.base, r.size, r.kind, r.tags])).toEqual(THREE.map(r => [r.base, r.size, r.kind, r.tags]))
        expect(d.regionCounts.every(c => c.liveBlocks > 0)).toBe(true)
        const end = section(v.render(), "at the end:", "regions at the end")
        const caption = (i: number) => end.findIndex(l => l.startsWith(`  region ${i}: `))
        const mapOf = (i: number) => end.slice(caption(i) + 1, caption(i) + 5).join("")
        expect(end[caption(0)]).toContain(", 8 KiB, tlsf, tags fast: ")
        expect(end[caption(1)]).toContain(", 4 KiB, buddy, tags -: ")
        expect(end[caption(2)]).toContain(", 4 KiB, bump, tags dma,ext: ")
        for (let i = 0; i < 3; i++) expect(end[caption(i)]).toContain(`: ${d.regionCounts[i].liveBlocks} live block`)
        expect(mapOf(0)).toMatch(/^ {2}0x20020000 =+/) // TLSF's control block at its region's start
        expect(mapOf(1)).toMatch(/=+$/) // buddy's tree at its region's end
        expect(mapOf(2)).not.toContain("=") // bump keeps no fixed metadata
        for (let i = 0; i < 3; i++) expect(mapOf(i)).toContain("#")
        expect(end.filter(l => l.startsWith("  hole "))).toEqual([`  hole ${range(0x20022000, 0xe000)} (57344 B): not heap, not drawn`])
    })

    test("a single-region stream keeps its old summary: no region captions, no region table", () => {
        const lines = ["~H 0 2 pico tlsf 20020000 8000 1000 7ff 0", "~P 1 a", "~A 2 100 40 8"]
        const text = viewerOf(lines).render()
        expect(text).toContain("allocator tlsf: region 32768 B at 0x20020000")
        expect(text).toContain("    └ heap 0x20020000–0x20027fff  32 KiB at offset 0x20000 of SRAM0-3 (striped)")
        expect(text).not.toMatch(/region 0:|regions at the end|hole /)
    })

    test("hand-written v3: a table cut by a gap is said to be incomplete; a block in the hole counts in no region and is an anomaly", () => {
        const gap = ["~H 0 3 pico multi 20020000 21000 1000 7ff 0 3", "~M 1 0 0 1000 tlsf -", "~M 3 2 20000 1000 bump b", "~A 4 10 20 8"]
        const vg = viewerOf(gap, true)
        expect(vg.decoder.regionsComplete).toBe(false)
        const tg = vg.render()
        expect(tg).toContain("(the region table is incomplete: lines were lost in a gap; only the regions above are drawn)")
        expect(tg).toContain("allocator multi: 2 regions")
        const hole = ["~H 0 3 pico multi 20020000 21000 1000 7ff 0 2", "~M 1 0 0 1000 tlsf a", "~M 2 1 20000 1000 tlsf b", "~A 3 10 20 8", "~A 4 8000 20 8"]
        const vh = viewerOf(hole)
        const th = vh.render()
        expect(th).toContain("outside-region")
        expect(th).toContain("  region 0: 0x20020000–0x20020fff, 4 KiB, tlsf, tags a: 1 live block, 32 B")
        expect(th).toContain("  region 1: 0x20040000–0x20040fff, 4 KiB, tlsf, tags b: 0 live blocks, 0 B")
        expect(regionTable(th).map(r => r[5])).toEqual(["1", "0"])
    })

    test("hand-written v3: a stream cut before its table, or whose table a gap swallowed whole, draws no region and says so", () => {
        for (const [lines, gaps] of [[["~H 0 3 pico multi 20020000 21000 1000 7ff 0 2"], false], [["~H 0 3 pico multi 20020000 21000 1000 7ff 0 2", "~A 3 10 20 8"], true]] as const) {
            const v = viewerOf([...lines], gaps)
            expect(v.decoder.regions).toEqual([])
            const text = v.render()
            expect(text).toContain("allocator multi: 0 regions, 0 B in all")
            expect(text).toContain("(the region table is incomplete")
            expect(text).not.toMatch(/^ {2}0x[0-9a-f]{8} [#+=\-.]+$/m) // no map row: the span is not known to be memory
            const stream = new HeapStream({ allowGaps: gaps })
            stream.push(lines.join("\n") + "\n")
            const state = { recent: new Recent(10), console: new Recent(10), anomalies: new Recent(10), showConsole: false, paused: false, title: "t", rate: 0 }
            expect(renderFrame(stream, state, 100, 30)).toContain("waiting for the region table (~M lines)…")
            const b = new ReportBuilder({ allowGaps: gaps })
            for (const l of lines) b.push(l)
            const data = b.data(true)
            expect([data.regions, data.regionsComplete, data.meta, data.tables.regions.rows]).toEqual([[], false, null, []])
            expect(data.samples.gap.every(g => g === 0)).toBe(true)
        }
    })

    test("`bareheap start --allocator multi --board pico --quiet` and `bareheap view` of its stream print the regions", () => {
        const run = spawnSync(process.execPath, [BAREHEAP, "start", "--allocator", "multi", "--board", "pico", "--quiet"], { encoding: "utf8", cwd: ROOT, timeout: 60_000 })
        expect(run.status, run.stderr).toBe(0)
        expect(run.stdout).toContain("allocator multi: 2 regions")
        expect(run.stdout).toMatch(/regions at the end/)
        const file = join(mkdtempSync(join(tmpdir(), "bareheap-regions-")), "three.log")
        writeFileSync(file, three.join("\n") + "\n")
        const view = spawnSync(process.execPath, [BAREHEAP, "view", file], { encoding: "utf8", cwd: ROOT, timeout: 60_000 })
        expect(view.status, view.stderr).toBe(0)
        expect(regionTable(view.stdout)).toEqual(regionTable(viewerOf(three).render()))
    })
})

describe("live view frame of a multi-region heap", () => {
    test("one usage bar per region, filled in proportion, then a map per region", () => {
        const stream = new HeapStream()
        stream.push(three.join("\n") + "\n")
        const state = { recent: new Recent(10), console: new Recent(10), anomalies: new Recent(10), showConsole: false, paused: false, title: "t", rate: 0 }
        const rows = renderFrame(stream, state, 100, 50)
        const d = stream.decoder
        const bars = rows.filter(r => /^region \d+ /.test(r) && r.includes("["))
        expect(bars).toHaveLength(3)
        d.regions.forEach((r, i) => {
            const c = d.regionCounts[i]
            const m = /\[(#*)(\.*)\] +([\d.]+) % · (\d+) \/ (\d+) B · (\d+) blocks$/.exec(bars[i])!
            expect(m, bars[i]).not.toBeNull()
            expect(bars[i].startsWith(`region ${r.index} ${r.kind} ${r.tags.length ? r.tags.join(",") : "-"}`)).toBe(true)
            const cells = m[1].length + m[2].length
            expect(m[1].length).toBe(Math.ceil((c.liveBytes * cells) / r.size))
            expect([Number(m[4]), Number(m[5]), Number(m[6])]).toEqual([c.liveBytes, r.size, c.liveBlocks])
        })
        for (const r of d.regions) expect(rows).toContain(`region ${r.index}:`)
        // Every map row is inside a region.
        const mapRows = rows.filter(l => /^ {2}0x[0-9a-f]{8} /.test(l)).map(l => parseInt(l.slice(2, 12), 16))
        expect(mapRows.length).toBeGreaterThanOrEqual(3)
        for (const a of mapRows) expect(d.regionOf(a)).toBeGreaterThanOrEqual(0)
        // A short terminal keeps the bars and drops the maps rather than the rest of the screen.
        const short = renderFrame(stream, state, 100, 20)
        expect(short.filter(r => /^region \d+ .*\[/.test(r))).toHaveLength(3)
        expect(short.some(l => l.startsWith("q quit"))).toBe(true)
    })
})

describe("HTML report data of a multi-region heap", () => {
    test("regions, per-region table and metadata spans follow the decoder; holes are neither metadata nor free", () => {
        const b = new ReportBuilder()
        for (const l of three) b.push(l)
        const data = b.data(true)
        const d = b.decoder
        expect(data.regions).toEqual(d.regions)
        expect(data.regionsComplete).toBe(true)
        expect(data.tables.regions.rows).toEqual(
            d.regions.map((r, i) => ({ index: r.index, liveBlocks: d.regionCounts[i].liveBlocks, liveBytes: d.regionCounts[i].liveBytes, peakLiveBytes: d.regionCounts[i].peakLiveBytes, share: `${((100 * d.regionCounts[i].liveBytes) / r.size).toFixed(1)} %` })),
        )
        const base = d.header!.base
        // Each span lies inside one region or is exactly a hole; TLSF's control block starts region 0, buddy's tree ends region 1.
        const holes = regionHoles(d.regions).map(x => ({ start: x.base - base, end: x.base - base + x.size }))
        expect(holes).toEqual([{ start: 0x2000, end: 0x10000 }])
        for (const m of data.meta!) {
            if (holes.some(x => x.start === m.start && x.end === m.end)) continue
            const i = d.regionOf(base + m.start)
            expect(i).toBeGreaterThanOrEqual(0)
            expect(base + m.end).toBeLessThanOrEqual(d.regions[i].base + d.regions[i].size)
        }
        expect(data.meta).toContainEqual(holes[0])
        expect(data.meta!.some(m => m.start === 0)).toBe(true)
        expect(data.meta!.some(m => m.end === 0x11000)).toBe(true)
        // The largest free gap never spans a hole: at most the largest region.
        expect(Math.max(...data.samples.gap)).toBeLessThanOrEqual(0x2000)
        expect(data.samples.gap[0]).toBe(0) // at the header no region is known yet: nothing is free
        expect(data.samples.gap.at(-1)).toBeGreaterThan(0x1000)
    })

    test("the region lines are events of their own type, and a restart into a single-region stream gives one region", () => {
        const b = new ReportBuilder()
        for (const l of [...three, "~H 0 2 pico tlsf 20020000 8000 1000 7ff 0"]) b.push(l)
        const data = b.data(true)
        expect(data.typeNames).toContain("region")
        expect(data.regions).toEqual([{ index: 0, base: 0x20020000, size: 0x8000, kind: "tlsf", tags: [] }])
        expect(data.tables.regions.rows).toHaveLength(1)
    })
})
