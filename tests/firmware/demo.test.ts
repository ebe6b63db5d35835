/**
 * The firmware's main job (src/firmware/demo.ts) in the host simulator, for
 * every real board × every allocator kind registry.ts knows: it peaks at
 * 60–90 % of the region, meets fragmentation, recovers from an OOM with the
 * hook, leaks exactly its config string, and its stream decodes cleanly;
 * the debug and tracking layers run it clean too. In-process (the shim of
 * "@devicescript/core"), ~50 ms a run.
 */
import { describe, expect, test } from "vitest"
import { ALLOCATOR_KINDS, HEAP_KINDS, makeHeapForBoard } from "../../src/allocators/registry"
import { runFirmware } from "../../src/firmware/firmware"
import { setGlobalAllocator } from "../../src/api/global_alloc"
import { DebugAllocator, DebugLevel } from "../../src/layers/debug"
import { TrackingAllocator } from "../../src/layers/tracking"
import { REAL_BOARDS } from "../../sim/firmware_options"
import { HeapViewer } from "../../sim/viewer"

async function run(boardId: string, kind: string, debug = DebugLevel.Off, track = false) {
    const board = REAL_BOARDS.find(b => b.id === boardId)
    const viewer = new HeapViewer()
    let tracker: TrackingAllocator = null
    let dbg: DebugAllocator = null
    const heap = await runFirmware(
        board,
        b => {
            let h = makeHeapForBoard(kind, b)
            if (debug !== DebugLevel.Off) h = dbg = new DebugAllocator(h, debug)
            if (track) h = tracker = new TrackingAllocator(h)
            return h
        },
        {
            emit: l => viewer.push(l),
            onStart: log => {
                dbg?.setEvents(log)
                tracker?.setEvents(log)
            },
        },
    )
    if (tracker) tracker.reportLeaks()
    setGlobalAllocator(null)
    return { board, heap, viewer, stats: heap.stats() }
}

describe("the sensor-logger demo", () => {
    for (const kind of HEAP_KINDS) {
        test(`${kind}: peaks at 60-90 % of its heap on every board, fragments, recovers from OOM, leaks one block`, async () => {
            for (const b of REAL_BOARDS) {
                const { board, stats, viewer } = await run(b.id, kind)
                // The demo sizes itself from the heap's capacity: the region for a region allocator;
                // system's budget (half the region) and multi's two parts are not the region's size.
                const room = ALLOCATOR_KINDS.includes(kind) ? board.heap.size : stats.capacity
                const peak = stats.peakInUse / room
                expect(peak, `${b.id}: peak ${stats.peakInUse} of ${room}`).toBeGreaterThanOrEqual(0.6)
                expect(peak, `${b.id}: peak ${stats.peakInUse} of ${room}`).toBeLessThanOrEqual(0.9)
                const d = viewer.decoder
                expect(d.anomalies, b.id).toHaveLength(0)
                expect(d.blocks(), b.id).toHaveLength(1) // the leaked config string
                expect(d.counts.oomRecovered, b.id).toBe(1)
                expect(stats.failures, b.id).toBe(2) // the request above the largest hole; the OOM hook's last "no"
                const phases = d.phases.map(p => p.name)
                expect(phases).toEqual(["readings", "messages", "queue", "burst", "fragment", "coalesce", "oom", "leak", "done"])
                // The fragment phase's map shows holes: free cells between used ones.
                const frag = viewer.peaks.find(p => p.phase === "fragment")
                expect(frag.blocks.length, b.id).toBeGreaterThanOrEqual(5)
            }
        })
    }

    test("multi over each board's heapRegions: clean stream, one leak, OOM recovered, every block inside a declared region, the main one used", async () => {
        for (const b of REAL_BOARDS) {
            const lines: string[] = []
            const heap = await runFirmware(b, x => makeHeapForBoard("multi", x), { emit: l => lines.push(l) })
            setGlobalAllocator(null)
            const viewer = new HeapViewer()
            for (const l of lines) viewer.push(l)
            expect(viewer.decoder.anomalies, b.id).toHaveLength(0)
            expect(viewer.decoder.blocks(), b.id).toHaveLength(1)
            expect(viewer.decoder.counts.oomRecovered, b.id).toBe(1)
            // ~A <seq> <offset from the first region's base> …: no block in a hole; the region tagged main serves first.
            const base = b.heapRegions[0].base
            const used = new Set<number>()
            for (const l of lines.filter(x => x.startsWith("~A "))) {
                const at = base + parseInt(l.split(" ")[2], 16)
                used.add(b.heapRegions.findIndex(r => at >= r.base && at < r.base + r.size))
            }
            expect(used.has(-1), `${b.id}: a block outside every region`).toBe(false)
            expect(used.has(b.heapRegions.findIndex(r => r.tags.split(" ").includes("main"))), b.id).toBe(true)
            expect(heap.check(), b.id).toEqual([])
        }
    })

    test("under --debug light/full and --track: clean scans and a leak report naming the string", async () => {
        // Every kind: the debug layer wraps system's and multi's views as it wraps one region (debug.ts, "Resolution").
        for (const kind of HEAP_KINDS)
            for (const level of [DebugLevel.Light, DebugLevel.Full]) {
                const { viewer } = await run("esp32s2", kind, level, true)
                const d = viewer.decoder
                expect(d.anomalies, `${kind} ${level}`).toHaveLength(0)
                expect(d.leakReport.entries, `${kind} ${level}`).toHaveLength(1)
                expect(d.leakReport.byKind.map(k => k.kind)).toEqual(["string"])
            }
    })

    test("the heap maps show fragmentation, then coalescing", async () => {
        const text = (await run("pico", "tlsf")).viewer.render()
        const map = (phase: string) => text.split(`heap at the peak of phase "${phase}"`)[1].split("\n").slice(1, 5).join("")
        // fragment: runs of free cells between used ones; coalesce: one long run of used cells.
        expect(map("fragment")).toMatch(/([#+]+\.+){4}/)
        expect(map("coalesce")).toMatch(/#{60}/)
    })
})
