/**
 * tests/contract/tracking.ts — TrackingAllocator (src/layers/tracking.ts) and the
 * allocation tags containers set (src/layers/alloc_tag.ts) as portable cases, run for
 * every allocator kind on the host (tests/layers/tracking.test.ts) and in the VM
 * (tests/vm/selftest_tracking.ts).
 */
import { AllocTag, currentAllocTag, registerAllocTag, setAllocTag } from "../../src/layers/alloc_tag"
import { GlobalAllocAdapter } from "../../src/api/allocator_api"
import { Box } from "../../src/collections/boxed"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { HeapEvents } from "../../src/core/events"
import { HeapAllocator } from "../../src/api/global_alloc"
import { HeapString } from "../../src/collections/heap_string"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { LoggingAllocator } from "../../src/layers/logging"
import { formatLeakReport, LeakReport, TrackingAllocator, TrackingCounts } from "../../src/layers/tracking"
import { ElemKind, Vec } from "../../src/collections/vec"
import { assert, assertEq, expectConsistent, expectHeapError, Rng, settle, thrown } from "./check"
import { ConformanceCase } from "./conformance"

/** A HeapEvents that records leak() calls as "ptr size align kind" lines. */
class RecordingEvents implements HeapEvents {
    leaks: string[] = []
    others = 0
    oomHook(op: string, size: number, align: number, attempt: number, retry: boolean): void {
        this.others++
    }
    checkFailed(code: number, ptr: number): void {
        this.others++
    }
    leak(ptr: number, size: number, align: number, kind: string): void {
        this.leaks.push(ptrText(ptr) + " " + size + " " + align + " " + kind)
    }
}

async function consistent(heap: HeapAllocator, what: string): Promise<void> {
    await settle()
    expectConsistent(heap, what)
}

/** The counters as one comparable line. */
function countsText(c: TrackingCounts): string {
    return `allocs ${c.allocs} frees ${c.frees} reallocs ${c.reallocs} failures ${c.failures} untracked ${c.untracked} ` + `live ${c.live} bytes ${c.liveBytes} peak ${c.peakBytes}/${c.peakLive}`
}

/** Throws unless the report holds exactly these blocks as "ptr size align kind" in address order. */
function expectBlocks(r: LeakReport, want: string[], what: string): void {
    const got: string[] = []
    for (let i = 0; i < r.blocks.length; i++) {
        const b = r.blocks[i]
        got.push(ptrText(b.ptr) + " " + b.size + " " + b.align + " " + b.kind)
    }
    assert(got.join(", ") === want.join(", "), what + ": blocks are [" + got.join(", ") + "], expected [" + want.join(", ") + "]")
    assertEq(r.count, want.length, what + ": count")
}

/** "ptr size align kind" lines of blocks given as [ptr, "size align kind"], in address order. */
function sortedLines(blocks: [number, string][]): string[] {
    blocks.sort((a, b) => a[0] - b[0])
    const out: string[] = []
    for (let i = 0; i < blocks.length; i++) out.push(ptrText(blocks[i][0]) + " " + blocks[i][1])
    return out
}

/**
 * The scripted workload the composition case runs on either stack: containers
 * and raw blocks, growth, drops, one double free. Returns its results as text.
 */
function script(heap: HeapAllocator, track: TrackingAllocator): string[] {
    const out: string[] = []
    const a = new GlobalAllocAdapter(heap)
    const b1 = Box.newIn(a, Layout.fromSizeAlign(24, 8))
    const v = Vec.newIn(a, ElemKind.U16)
    for (let i = 0; i < 20; i++) v.push(i)
    const s = HeapString.fromIn(a, "tracked")
    const b2 = Box.newIn(a, Layout.fromSizeAlign(8, 4))
    const raw = heap.alloc(Layout.fromSizeAlign(40, 8))
    s.push(" and grown")
    b2.drop()
    const e = thrown(() => heap.dealloc(b2.ptr, b2.layout))
    out.push("double free: " + (e instanceof HeapError ? (e as HeapError).code : "none"))
    const big = heap.alloc(Layout.fromSizeAlign(heap.region.size * 2, 8))
    out.push("b1 " + ptrText(b1.ptr) + " v " + ptrText(v.asPtr()) + " s " + ptrText(s.asPtr()) + " raw " + ptrText(raw) + " big " + big)
    out.push(countsText(track.counts()))
    const lines = formatLeakReport(track.leakReport())
    for (let i = 0; i < lines.length; i++) out.push(lines[i])
    return out
}

export const TRACKING_CASES: ConformanceCase[] = [
    {
        name: "counts, peak and live sizes follow alloc, allocZeroed, dealloc, realloc and failures",
        run: async t => {
            await settle()
            const heap = new TrackingAllocator(t.make())
            assertEq(heap.mark(), 0, "mark of a new tracker")
            const l24 = Layout.fromSizeAlign(24, 8)
            const l100 = Layout.fromSizeAlign(100, 4)
            const l7 = Layout.fromSizeAlign(7, 1)
            const p = heap.alloc(l24)
            const q = heap.allocZeroed(l100)
            const r = heap.alloc(l7)
            assert(p !== 0 && q !== 0 && r !== 0, "three allocations")
            let c = heap.counts()
            assertEq(c.live, 3, "live")
            assertEq(c.liveBytes, 131, "live bytes")
            assertEq(heap.liveBlock(q).size, 100, "size of q")
            assertEq(heap.liveBlock(q).align, 4, "align of q")
            heap.dealloc(q, l100)
            assert(heap.liveBlock(q) === null, "q is no longer tracked")
            const p2 = heap.realloc(p, l24, 60)
            assert(p2 !== 0, "realloc to 60")
            assertEq(heap.alloc(Layout.fromSizeAlign(heap.region.size * 2, 8)), 0, "an allocation larger than the region")
            c = heap.counts()
            assertEq(c.allocs, 3, "allocs")
            assertEq(c.frees, 1, "frees")
            assertEq(c.reallocs, 1, "reallocs")
            assertEq(c.failures, 1, "failures")
            assertEq(c.live, 2, "live after a free")
            assertEq(c.liveBytes, 67, "live bytes: 60 + 7")
            assertEq(c.peakBytes, 131, "peak bytes")
            assertEq(c.peakLive, 3, "peak live blocks")
            assertEq(heap.liveBlock(p2).size, 60, "size after realloc")
            assertEq(heap.mark(), 3, "mark: three blocks were made")
            assert(heap.kind === heap.inner.kind && heap.region === heap.inner.region, "kind and region are the inner allocator's")
            assertEq(heap.stats().liveBlocks, 2, "stats() is the inner allocator's")
            await consistent(heap, "mixed operations")
            heap.dealloc(p2, Layout.fromSizeAlign(60, 8))
            heap.dealloc(r, l7)
            assertEq(heap.counts().liveBytes, 0, "live bytes after freeing everything")
            assertEq(heap.leakReport().count, 0, "nothing left to report")
            await consistent(heap, "freeing everything")
        },
    },
    {
        name: "realloc keeps the block's tag and seq, in place (shrink) and moved (grow past a neighbour)",
        run: async t => {
            await settle()
            const heap = new TrackingAllocator(t.make())
            const first = heap.alloc(Layout.fromSizeAlign(16, 8))
            const prev = setAllocTag(AllocTag.Vec)
            let p = 0
            try {
                p = heap.alloc(Layout.fromSizeAlign(32, 8))
            } finally {
                setAllocTag(prev)
            }
            const neighbour = heap.alloc(Layout.fromSizeAlign(32, 8))
            const b = heap.liveBlock(p)
            assert(b.kind === "vec" && b.seq === 1, "the block is vec #1, got " + b.kind + " #" + b.seq)
            const shrunk = heap.realloc(p, Layout.fromSizeAlign(32, 8), 20)
            assertEq(shrunk, p, "a shrink stays in place")
            const s = heap.liveBlock(p)
            assert(s.kind === "vec" && s.seq === 1 && s.size === 20, "after the shrink: " + s.kind + " #" + s.seq + " " + s.size + " B")
            const moved = heap.realloc(p, Layout.fromSizeAlign(20, 8), 400)
            // system's realloc keeps the address (no neighbours: a slot spans 64 KiB, system.ts).
            if (heap.kind === "system") assertEq(moved, p, "system: the grown block's address")
            else {
                assert(moved !== 0 && moved !== p, "growing past a live neighbour moves the block")
                assert(heap.liveBlock(p) === null, "the old address is no longer tracked")
            }
            const m = heap.liveBlock(moved)
            assert(m.kind === "vec" && m.seq === 1 && m.size === 400 && m.align === 8, "after the move: " + m.kind + " #" + m.seq + " " + m.size + " B align " + m.align)
            assertEq(heap.counts().live, 3, "still three blocks")
            assertEq(heap.counts().liveBytes, 16 + 400 + 32, "live bytes after the move")
            assertEq(heap.liveBlock(first).seq, 0, "first block's seq")
            assertEq(heap.liveBlock(neighbour).seq, 2, "neighbour's seq")
            assert(heap.liveBlock(neighbour).kind === "raw", "a block made outside containers is raw")
            await consistent(heap, "realloc in place and moved")
        },
    },
    {
        name: "the leak report lists exactly the undropped Box, Vec, HeapString and raw blocks with their kinds",
        run: async t => {
            await settle()
            const heap = new TrackingAllocator(t.make())
            const a = new GlobalAllocAdapter(heap)
            const b1 = Box.newIn(a, Layout.fromSizeAlign(16, 8))
            const dropped = Box.newIn(a, Layout.fromSizeAlign(32, 8))
            const v = Vec.newIn(a, ElemKind.U32)
            for (let i = 0; i < 10; i++) v.push(i) // capacity 4, 8, 16: 64 bytes
            const gone = Vec.newIn(a, ElemKind.U8)
            gone.push(1)
            const s = HeapString.fromIn(a, "hello")
            const sGone = HeapString.fromIn(a, "dropped too")
            const b2 = Box.newIn(a, Layout.fromSizeAlign(8, 4))
            const raw = heap.alloc(Layout.fromSizeAlign(12, 4))
            dropped.drop()
            gone.drop()
            sGone.drop()
            assertEq(currentAllocTag(), AllocTag.Raw, "no tag outside the containers' calls")
            const r = heap.leakReport()
            const want = sortedLines([
                [b1.ptr, "16 8 box"],
                [v.asPtr(), "64 4 vec"],
                [s.asPtr(), "5 1 string"],
                [b2.ptr, "8 4 box"],
                [raw, "12 4 raw"],
            ])
            expectBlocks(r, want, "report")
            assertEq(r.bytes, 105, "report bytes")
            const lines = formatLeakReport(r)
            assert(lines[0] === "5 live blocks, 105 bytes: vec 1 (64 B), box 2 (24 B), raw 1 (12 B), string 1 (5 B)", "summary: " + lines[0])
            assertEq(lines.length, 6, "summary + one line per block")
            assert(lines[1].indexOf(ptrText(r.blocks[0].ptr)) === 2 && lines[1].indexOf(" B align ") > 0, "block line: " + lines[1])
            for (let i = 1; i < lines.length; i++) assert(lines[i].length < 150, "line " + i + " is too long for dmesg")
            b1.drop()
            v.drop()
            s.drop()
            b2.drop()
            heap.dealloc(raw, Layout.fromSizeAlign(12, 4))
            const empty = formatLeakReport(heap.leakReport())
            assert(empty.length === 1 && empty[0] === "0 live blocks, 0 bytes", "empty report: " + empty.join(" | "))
            await consistent(heap, "containers dropped")
        },
    },
    {
        name: "leakReport(mark()) lists only the blocks made after the mark (a realloc keeps the older seq)",
        run: async t => {
            await settle()
            const heap = new TrackingAllocator(t.make())
            const a = new GlobalAllocAdapter(heap)
            const before = Vec.newIn(a, ElemKind.U8)
            before.push(1)
            const m = heap.mark()
            assertEq(m, 1, "mark after one block")
            const after = Box.newIn(a, Layout.fromSizeAlign(16, 8))
            for (let i = 0; i < 40; i++) before.push(i) // grows (realloc): still the block from before the mark
            const r = heap.leakReport(m)
            expectBlocks(r, [ptrText(after.ptr) + " 16 8 box"], "report since the mark")
            assertEq(r.since, m, "report.since")
            assertEq(r.blocks[0].seq, 1, "the box's seq")
            assert(formatLeakReport(r)[0] === "1 live block, 16 bytes since #1: box 1 (16 B)", "summary: " + formatLeakReport(r)[0])
            assertEq(heap.leakReport().count, 2, "the full report")
            assertEq(heap.leakReport(heap.mark()).count, 0, "nothing after a fresh mark")
            expectHeapError(thrown(() => heap.leakReport(-1)), HeapErrorCode.BadArgument, 0, "since -1")
            expectHeapError(thrown(() => heap.leakReport(1.5)), HeapErrorCode.BadArgument, 0, "since 1.5")
            before.drop()
            after.drop()
            await consistent(heap, "marks")
        },
    },
    {
        name: "a user-registered tag names every block made under it, containers inside it included",
        run: async t => {
            await settle()
            const heap = new TrackingAllocator(t.make())
            const a = new GlobalAllocAdapter(heap)
            const SENSOR = registerAllocTag("sensor-log")
            assertEq(registerAllocTag("sensor-log"), SENSOR, "the same name gives the same tag")
            const prev = setAllocTag(SENSOR)
            let v: Vec = null
            let raw = 0
            let s: HeapString = null
            try {
                v = Vec.withCapacityIn(a, ElemKind.U16, 8)
                raw = heap.alloc(Layout.fromSizeAlign(10, 2))
                s = HeapString.fromIn(a, "t=21")
                assertEq(currentAllocTag(), SENSOR, "containers restore the user's tag")
            } finally {
                setAllocTag(prev)
            }
            const b = Box.newIn(a, Layout.fromSizeAlign(4, 4))
            const r = heap.leakReport()
            assertEq(r.kinds.length, 2, "two kinds")
            assert(r.kinds[0].kind === "sensor-log" && r.kinds[0].count === 3 && r.kinds[0].bytes === 30, "sensor-log totals")
            assert(r.kinds[1].kind === "box" && r.kinds[1].count === 1 && r.kinds[1].bytes === 4, "box totals")
            assert(heap.liveBlock(v.asPtr()).kind === "sensor-log", "the Vec made under the tag")
            assert(heap.liveBlock(s.asPtr()).kind === "sensor-log", "the string made under the tag")
            assert(heap.liveBlock(b.ptr).kind === "box", "a box made after restoring")
            v.push(1)
            for (let i = 0; i < 20; i++) v.push(i) // growth outside the tag keeps the block's kind
            assert(heap.liveBlock(v.asPtr()).kind === "sensor-log", "the grown Vec keeps its kind")
            v.drop()
            s.drop()
            b.drop()
            heap.dealloc(raw, Layout.fromSizeAlign(10, 2))
            await consistent(heap, "user tags")
        },
    },
    {
        name: "misuse (double free, foreign pointer, realloc of a freed block) passes through and leaves the tracker unchanged",
        run: async t => {
            await settle()
            const heap = new TrackingAllocator(t.make())
            const l = Layout.fromSizeAlign(32, 8)
            const keep = heap.alloc(l)
            const p = heap.alloc(l)
            const keep2 = heap.alloc(l) // p is not the newest block (bump takes the newest back)
            heap.dealloc(p, l)
            const counts = countsText(heap.counts())
            const report = formatLeakReport(heap.leakReport()).join(" | ")
            expectHeapError(thrown(() => heap.dealloc(p, l)), HeapErrorCode.DoubleFree, p, "double free")
            const foreign = heap.region.base - 64
            const e = thrown(() => heap.dealloc(foreign, l))
            assert(e instanceof HeapError, "a foreign pointer: expected HeapError, got " + e)
            expectHeapError(thrown(() => heap.realloc(p, l, 64)), HeapErrorCode.DoubleFree, p, "realloc after free")
            assert(countsText(heap.counts()) === counts, "counts after misuse: " + countsText(heap.counts()) + ", were " + counts)
            assert(formatLeakReport(heap.leakReport()).join(" | ") === report, "report after misuse")
            assertEq(heap.mark(), 3, "no seq was used")
            heap.dealloc(keep, l)
            heap.dealloc(keep2, l)
            await consistent(heap, "misuse")
        },
    },
    {
        name: "the table survives growth and many deletions: 2,400 random operations, sizes and check() stay right",
        run: async t => {
            await settle()
            const heap = new TrackingAllocator(t.make())
            const rng = new Rng(0x7acc)
            const ptrs: number[] = []
            const sizes: number[] = []
            const aligns: number[] = []
            let bytes = 0
            // 160 small blocks first: the table doubles from 16 to 256 slots.
            for (let i = 0; i < 160; i++) {
                const p = heap.alloc(Layout.fromSizeAlign(8, 8))
                if (p === 0) break
                ptrs.push(p)
                sizes.push(8)
                aligns.push(8)
                bytes += 8
                if ((i & 15) === 15) await settle()
            }
            assert(ptrs.length >= 100, "only " + ptrs.length + " 8-byte blocks fit")
            await consistent(heap, "160 allocations")
            for (let op = 0; op < 2400; op++) {
                const k = rng.below(10)
                if (k < 4 || ptrs.length === 0) {
                    const size = 1 + rng.below(48)
                    const align = 1 << rng.below(4)
                    const p = heap.alloc(Layout.fromSizeAlign(size, align))
                    if (p !== 0) {
                        ptrs.push(p)
                        sizes.push(size)
                        aligns.push(align)
                        bytes += size
                    }
                } else {
                    const i = rng.below(ptrs.length)
                    const l = Layout.fromSizeAlign(sizes[i], aligns[i])
                    if (k < 8) {
                        heap.dealloc(ptrs[i], l)
                        bytes -= sizes[i]
                        // Swap-remove (pop() only: never assign length in the VM).
                        const last = ptrs.length - 1
                        ptrs[i] = ptrs[last]
                        sizes[i] = sizes[last]
                        aligns[i] = aligns[last]
                        ptrs.pop()
                        sizes.pop()
                        aligns.pop()
                    } else {
                        const n = 1 + rng.below(64)
                        const q = heap.realloc(ptrs[i], l, n)
                        if (q !== 0) {
                            ptrs[i] = q
                            bytes += n - sizes[i]
                            sizes[i] = n
                        }
                    }
                }
                if ((op & 15) === 15) await settle()
                if ((op & 511) === 511) {
                    assertEq(heap.counts().live, ptrs.length, "live after op " + op)
                    assertEq(heap.counts().liveBytes, bytes, "live bytes after op " + op)
                    await consistent(heap, op + 1 + " random operations")
                }
            }
            for (let i = 0; i < ptrs.length; i++) {
                const b = heap.liveBlock(ptrs[i])
                if (b === null || b.size !== sizes[i]) throw new Error("block " + ptrText(ptrs[i]) + ": tracked as " + (b === null ? "nothing" : b.size + " B") + ", expected " + sizes[i] + " B")
                if ((i & 15) === 15) await settle()
            }
            const r = heap.leakReport()
            assertEq(r.count, ptrs.length, "report count")
            for (let i = 1; i < r.blocks.length; i++) assert(r.blocks[i - 1].ptr < r.blocks[i].ptr, "report not in address order at " + i)
            await settle()
            while (ptrs.length > 0) {
                heap.dealloc(ptrs.pop(), Layout.fromSizeAlign(sizes.pop(), aligns.pop()))
                if ((ptrs.length & 15) === 0) await settle()
            }
            const c = heap.counts()
            assertEq(c.live, 0, "live after freeing all")
            assertEq(c.liveBytes, 0, "live bytes after freeing all")
            assertEq(c.allocs - c.frees, 0, "allocs - frees")
            await consistent(heap, "freeing every block")
        },
    },
    {
        name: "with LoggingAllocator in either order (Logging(Tracking(x)), Tracking(Logging(x))): same results, lines and report",
        run: async t => {
            await settle()
            const linesA: string[] = []
            const trackA = new TrackingAllocator(t.make())
            const logA = new LoggingAllocator(trackA, "board", { emit: (line: string) => { linesA.push(line) } })
            const outA = script(logA, trackA)
            await settle()
            const linesB: string[] = []
            const logB = new LoggingAllocator(t.make(), "board", { emit: (line: string) => { linesB.push(line) } })
            const trackB = new TrackingAllocator(logB)
            const outB = script(trackB, trackB)
            assert(outA.length > 3, "the script reports")
            assert(outA[0] !== "double free: none", "the double free passed through as a HeapError: " + outA[0])
            assert(outA.join("\n") === outB.join("\n"), "results differ:\n" + outA.join("\n") + "\n---\n" + outB.join("\n"))
            assert(outA[3].indexOf("4 live blocks") === 0, "report: " + outA[3])
            assertEq(linesA.length, linesB.length, "event lines")
            assert(linesA.join("\n") === linesB.join("\n"), "event lines differ")
            assert(linesA.join("\n").indexOf("~E ") > 0, "the double free was logged")
            const evA = new RecordingEvents()
            const evB = new RecordingEvents()
            trackA.setEvents(evA)
            trackB.setEvents(evB)
            trackA.reportLeaks()
            trackB.reportLeaks()
            assert(evA.leaks.join(", ") === evB.leaks.join(", "), "leak events differ")
            await consistent(logA, "logging over tracking")
            await consistent(trackB, "tracking over logging")
        },
    },
    {
        name: "reportLeaks calls events.leak once per live block, in address order, and returns the report",
        run: async t => {
            await settle()
            const heap = new TrackingAllocator(t.make())
            const a = new GlobalAllocAdapter(heap)
            const none = heap.reportLeaks()
            assertEq(none.count, 0, "no events set, nothing live")
            const b = Box.newIn(a, Layout.fromSizeAlign(12, 4))
            const v = Vec.withCapacityIn(a, ElemKind.F64, 2)
            const m = heap.mark()
            const raw = heap.alloc(Layout.fromSizeAlign(5, 1))
            assertEq(heap.reportLeaks().count, 3, "without events the report is still made")
            const ev = new RecordingEvents()
            heap.setEvents(ev)
            const r = heap.reportLeaks()
            const want = sortedLines([
                [b.ptr, "12 4 box"],
                [v.asPtr(), "16 8 vec"],
                [raw, "5 1 raw"],
            ])
            assert(ev.leaks.join(", ") === want.join(", "), "leak events: " + ev.leaks.join(", "))
            expectBlocks(r, want, "the returned report")
            assertEq(ev.others, 0, "no other events")
            ev.leaks = []
            heap.reportLeaks(m)
            assert(ev.leaks.join(", ") === ptrText(raw) + " 5 1 raw", "since the mark: " + ev.leaks.join(", "))
            b.drop()
            v.drop()
            heap.dealloc(raw, Layout.fromSizeAlign(5, 1))
            ev.leaks = []
            heap.reportLeaks()
            assertEq(ev.leaks.length, 0, "nothing live, no events")
            await consistent(heap, "reportLeaks")
        },
    },
]
