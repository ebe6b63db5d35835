/**
 * tests/sim/stream_v3.test.ts — the host's stream consumers take a
 * protocol-version-3 stream (a heap of several regions) in their stride:
 * HeapStream (sim/stream.ts) passes the ~M events through and its plain log
 * names them; the HTML report's model (sim/html/report_model.ts) keeps the
 * decoder's blocks and counts each region's metadata and the holes between
 * regions as no free space; the live view's event pane prints them. How each
 * view draws the regions is the viewers' (sim/viewer.ts, sim/html/).
 */
import { describe, expect, test } from "vitest"
import { fixedMetadata, regionsMetadata, ReportBuilder } from "../../sim/html/report_model"
import { eventText } from "../../sim/live_view"
import { HeapStream, reportLine, StreamReport } from "../../sim/stream"
import { multiStream, STREAM_STEPS } from "../contract/multi_stream"

function v3Lines(i: number): string[] {
    const lines: string[] = []
    multiStream(i, l => lines.push(l)).run(STREAM_STEPS)
    return lines
}

describe("consumers of a version-3 stream", () => {
    test("HeapStream passes the region events through; its plain log names them", () => {
        const s = new HeapStream()
        const reports: StreamReport[] = []
        s.onReport(r => reports.push(r))
        s.push(v3Lines(1).join("\r\n") + "\r\n")
        s.end()
        expect(s.failed).toBeNull()
        expect(s.decoder.regionsComplete).toBe(true)
        const log = reports.map(reportLine).filter(l => l !== null)
        expect(log.slice(0, 4)).toEqual([
            "line 1: stream header: board pico, allocator multi, 3 regions spanning 132096 B at 0x20020000, protocol version 3",
            "line 2: region 0: 2048 B at 0x20020000, allocator tlsf, tags none",
            "line 3: region 1: 2048 B at 0x20030000, allocator buddy, tags none",
            "line 4: region 2: 1024 B at 0x20040000, allocator tlsf, tags none",
        ])
        expect(s.endingProblems()).toEqual({ noHeader: false, warnings: expect.any(Array) })
    })

    test("a version-2 stream's plain log is as before", () => {
        const s = new HeapStream()
        const reports: StreamReport[] = []
        s.onReport(r => reports.push(r))
        s.push("~H 0 2 pico tlsf 20020000 8000 1000 7ff 0\n")
        expect(reports.map(reportLine)).toEqual(["line 1: stream header: board pico, allocator tlsf, region 32768 B at 0x20020000, protocol version 2"])
    })

    test("the HTML model keeps the decoder's blocks; regions' metadata and holes are no free space", () => {
        const b = new ReportBuilder()
        for (const line of v3Lines(2)) {
            b.push(line)
            expect(b.openLives().map(({ ptr, size, align }) => ({ ptr, size, align }))).toEqual(b.decoder.blocks())
        }
        const data = b.data()
        expect(data.typeNames).toContain("region")
        const base = 0x20020000
        const want = [
            ...(fixedMetadata("tlsf", base, 0x800) ?? []),
            { start: 0x800, end: 0x10000 },
            ...(fixedMetadata("buddy", base + 0x10000, 0x800) ?? []).map(m => ({ start: m.start + 0x10000, end: m.end + 0x10000 })),
            { start: 0x10800, end: 0x20000 },
            ...(fixedMetadata("tlsf", base + 0x20000, 0x400) ?? []).map(m => ({ start: m.start + 0x20000, end: m.end + 0x20000 })),
        ]
        expect(data.meta).toEqual(want)
        expect(regionsMetadata(b.decoder.regions, base)).toEqual(want)
        // Free bytes on the timeline never exceed what the regions hold.
        const free = data.samples.free.filter((x): x is number => x !== null)
        expect(free.length).toBeGreaterThan(0)
        expect(Math.max(...free)).toBeLessThanOrEqual(0x800 + 0x800 + 0x400)
    })

    test("the live view's event pane prints a region event", () => {
        const s = new HeapStream()
        const events: string[] = []
        s.onReport(r => {
            if (r.kind === "event") events.push(eventText(r.event))
        })
        s.push(v3Lines(0).slice(0, 3).join("\n") + "\n")
        expect(events.map(e => e.trim())).toEqual(["1  header: pico multi v3", "2  region 0 0x20020000 2048 B tlsf", "3  region 1 0x20040000 1024 B tlsf"])
    })
})
