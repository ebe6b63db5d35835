// The streaming decoder (sim/stream.ts) on the firmware's real stream, wrapped exactly as a
// board's USB serial sends it: same model as the clean decode in any chunking, losses
// reported exactly, transport drops apart from sequence gaps.
import fc from "fast-check"
import { beforeAll, describe, expect, test } from "vitest"
import { boardById } from "../../boards/index"
import { makeHeapForBoard } from "../../src/allocators/registry"
import { runFirmware } from "../../src/firmware/firmware"
import { _simSetArch } from "../../sim/core"
import { StreamDecoder } from "../../sim/decoder"
import { HeapStream, StreamReport } from "../../sim/stream"
import { randomChunks, wrapUsb } from "../../sim/usb_wrap"

let firmware: string[] = []

beforeAll(async () => {
    const board = boardById("pico")
    _simSetArch(board.archId)
    const lines: string[] = []
    await runFirmware(board, b => makeHeapForBoard("tlsf", b), { emit: l => lines.push(l), statsEvery: 8 })
    firmware = lines
})

/** The clean decode of the firmware's lines, line by line, as the reference. */
function clean(lines: string[], allowGaps = false): StreamDecoder {
    const d = new StreamDecoder({ allowGaps })
    lines.forEach((l, i) => d.push(l, i + 1))
    return d
}

function model(d: StreamDecoder) {
    return { blocks: d.blocks(), counts: d.counts, stats: d.stats, anomalies: d.anomalies.map(a => a.kind), phases: d.phases.map(p => p.name) }
}

function decodeChunks(chunks: (Uint8Array | string)[], allowGaps = false): { s: HeapStream; reports: StreamReport[] } {
    const s = new HeapStream({ allowGaps })
    const reports: StreamReport[] = []
    s.onReport(r => reports.push(r))
    for (const c of chunks) s.push(c)
    s.end()
    return { s, reports }
}

describe("HeapStream over a board's USB serial", () => {
    test("the firmware's stream, wrapped with frames between, before, after and inside lines, decodes to the clean model in any chunking", () => {
        expect(firmware.length).toBeGreaterThan(100)
        const ref = model(clean(firmware))
        fc.assert(
            fc.property(fc.integer(), fc.integer({ min: 1, max: 512 }), (seed, maxChunk) => {
                const w = wrapUsb(firmware, { seed, frames: 0.5 })
                const { s } = decodeChunks(randomChunks(w.bytes, seed, maxChunk))
                expect(s.failed).toBeNull()
                expect(model(s.decoder)).toEqual(ref)
                expect(s.transport.frames).toBe(w.frames)
                expect(s.decoder.gapCount).toBe(0)
            }),
            { numRuns: 60 },
        )
    })

    test("a frame glued before a protocol line no longer loses it, and one glued after no longer breaks it", () => {
        const hdr = "> ~H 0 2 pico bump 20020000 8000 1000 7ff 0\r\n"
        const frame = [0xfe, 0xfc, 0x10, 0x20, 0xfe, 0xfd]
        const enc = (t: string) => [...new TextEncoder().encode(t)]
        const bytes = new Uint8Array([...enc(hdr), ...frame, ...enc("> ~A 1 0 4 4"), ...frame, ...enc("\r\n> ~S 2 8 7ff8 8 7ff8 1 1 0 0 4\r\n")])
        const { s } = decodeChunks([bytes])
        expect(s.failed).toBeNull()
        expect(s.decoder.blocks()).toEqual([{ ptr: 0x20020000, size: 4, align: 4 }])
        expect(s.decoder.anomalyCount).toBe(0)
        expect(s.transport.frames).toBe(2)
    })

    test("lost console output: the board's FE FA markers and the sequence gaps are counted apart, each exactly", () => {
        const w = wrapUsb(firmware, { seed: 11, frames: 0.3, dropLogs: 0.05, dropFrames: 0.05 })
        expect(w.droppedLines.length).toBeGreaterThan(3)
        const { s, reports } = decodeChunks(randomChunks(w.bytes, 3, 200), true)
        expect(s.failed).toBeNull()
        expect(s.transport.droppedLogs).toBe(w.droppedLogs)
        expect(s.transport.droppedFrames).toBe(w.droppedFrames)
        expect(reports.filter(r => r.kind === "drop" && r.what === "logs")).toHaveLength(w.droppedLogs)
        // Every dropped protocol line is a lost seq: runs of adjacent drops make one gap.
        const kept = firmware.filter((_, i) => !w.droppedLines.includes(i))
        const ref = clean(kept, true)
        expect(s.decoder.linesLost).toBe(w.droppedLines.length)
        expect(s.decoder.gapCount).toBe(ref.gapCount)
        expect(model(s.decoder)).toEqual(model(ref))
        // Each drop report comes where the marker was: right before the gap it explains.
        for (const g of s.decoder.gaps) {
            const i = reports.findIndex(r => r.kind === "gap" && r.gap === g)
            expect(reports.slice(0, i).some(r => r.kind === "drop")).toBe(true)
        }
    })

    test("a link lost and back (an unplug): the model is kept, the partial line dropped, the lost lines a gap", () => {
        const s = new HeapStream({ allowGaps: true })
        const reports: StreamReport[] = []
        s.onReport(r => reports.push(r))
        s.push(firmware.slice(0, 40).join("\n") + "\n" + firmware[40].slice(0, 5))
        const live = s.decoder.counts.liveBlocks
        s.linkLost("port /dev/ttyACM0 closed; reopened")
        expect(s.decoder.counts.liveBlocks).toBe(live)
        s.push(firmware.slice(45).join("\n") + "\n")
        s.end()
        expect(reports.find(r => r.kind === "link")).toMatchObject({ kind: "link", lineNo: 40, partialChars: 5 })
        expect(s.decoder.gaps).toEqual([{ from: 40, to: 44, lineNo: 41 }])
        expect(s.failed).toBeNull()
        expect(s.transportLine()).toContain("1 link losses")
    })

    test("without --allow-gaps the first gap stops decoding with the error; onError continue goes on", () => {
        const lossy = [...firmware.slice(0, 20), ...firmware.slice(22)]
        const text = lossy.join("\n") + "\n"
        const strict = decodeChunks([text])
        expect(strict.s.failed?.message).toMatch(/^line 21: .*gap: expected seq 0x14, got 0x16 .*--allow-gaps/)
        expect(strict.s.errorCount).toBe(1)
        const going = new HeapStream({ onError: "continue" })
        going.push(["~H 0 2 pico bump 20020000 8000 1000 7ff 0", "~Q 1", "~A 1 0 4 4", "~A 2 10 4 4"].join("\n") + "\n")
        going.end()
        expect(going.errorCount).toBe(1)
        expect(going.decoder.counts.liveBlocks).toBe(2)
    })

    test("other console lines are reported with their level; an overlong protocol line is an error, an overlong console line a report", () => {
        const s = new HeapStream({ maxLine: 64, onError: "continue" })
        const reports: StreamReport[] = []
        s.onReport(r => reports.push(r))
        s.push("! boom\n~H 0 2 pico bump 20020000 8000 1000 7ff 0\n" + "x".repeat(500) + "\n~A 1 " + "0".repeat(500) + "\n")
        s.end()
        expect(reports[0]).toEqual({ kind: "console", lineNo: 1, text: "boom", level: "!" })
        expect(reports.filter(r => r.kind === "overlong").map(r => (r as { length: number }).length)).toEqual([500, 505])
        expect(s.errors[0].message).toMatch(/^line 4: .*the line is 505 characters long/)
    })

    test("a hostile block reaching into the region from 4 GiB below draws in O(cells)", () => {
        const s = new HeapStream()
        // base 0xfffff000: offset 0x1000 wraps to address 0; 2^33 bytes reach over the whole region.
        s.push("~H 0 2 pico evil fffff000 1000 1000 7ff 0\n~A 1 1000 200000000 10\n~S 2 0 0 0 0 1 1 0 0 200000000\n")
        s.end()
        const t0 = performance.now()
        const text = s.summary()
        expect(performance.now() - t0).toBeLessThan(5000)
        expect(text).toContain("outside-region")
    })

    test("the end of a stream: no header, or live blocks with no final ~S, are told", () => {
        const none = decodeChunks(["just some text\n\x1bc\n"]).s
        expect(none.endingProblems().noHeader).toBe(true)
        const cut = decodeChunks([firmware.slice(0, 30).join("\n")]).s
        expect(cut.endingProblems().warnings[0]).toMatch(/ends with \d+ live blocks and no stats line \(~S\) after its last event: it may be cut off/)
        const whole = decodeChunks([firmware.join("\n")]).s
        expect(whole.endingProblems()).toEqual({ noHeader: false, warnings: [] })
    })
})
