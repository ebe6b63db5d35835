/**
 * tests/contract/conformance.ts — the GlobalAlloc contract (src/api/global_alloc.ts)
 * as test cases, written once and run against every allocator: by vitest on
 * the host (tests/allocators/allocators.test.ts) and by @devicescript/test inside the
 * DeviceScript VM (tests/vm/selftest_alloc.ts).
 *
 * Every case checks the heap's own invariants (check()) and the payload
 * pattern of every live block after what it does, so a case fails on any
 * overlap, clobbered byte, lost copy or broken metadata — not only on a
 * wrong return value. Cases are async because pattern loops yield in the VM.
 */
import { diagnostics } from "../../src/layers/diagnostics"
import { HeapError, HeapErrorCode, heapErrorName } from "../../src/core/errors"
import { HeapAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"
import { Layout, LayoutError, MAX_ALIGN } from "../../src/core/layout"
import { HeapStats } from "../../src/core/stats"
import { assert, assertEq, expectConsistent, expectPattern, fillPattern, rawByte, Rng, settle } from "./check"

export interface ConformanceTarget {
    /** e.g. "buddy on pico". */
    name: string
    /** A fresh allocator over a fresh region. */
    make: () => HeapAllocator
}

export interface ConformanceCase {
    name: string
    run: (t: ConformanceTarget) => Promise<void>
}

/** A live block and the seed of the pattern it holds. */
class Live {
    constructor(public ptr: number, public layout: Layout, public seed: number) {}
}

async function take(heap: HeapAllocator, live: Live[], size: number, align: number): Promise<Live> {
    const layout = Layout.fromSizeAlign(size, align)
    const ptr = heap.alloc(layout)
    assert(ptr !== 0, "alloc(" + size + ", " + align + ") returned null")
    const b = new Live(ptr, layout, live.length + 1)
    await fillPattern(heap, ptr, size, b.seed)
    live.push(b)
    return b
}

async function expectAllIntact(heap: HeapAllocator, live: Live[], after: string): Promise<void> {
    for (const b of live) await expectPattern(heap, b.ptr, b.layout.size, b.seed, "live block after " + after)
    await settle()
    expectConsistent(heap, after)
}

function without(live: Live[], gone: Live): Live[] {
    return live.filter(b => b !== gone)
}

function sameStats(a: HeapStats, b: HeapStats, what: string): void {
    assert(
        a.capacity === b.capacity && a.free === b.free && a.inUse === b.inUse && a.requested === b.requested &&
            a.peakInUse === b.peakInUse && a.largestFree === b.largestFree && a.liveBlocks === b.liveBlocks &&
            a.allocs === b.allocs && a.frees === b.frees && a.reallocs === b.reallocs && a.failures === b.failures &&
            a.minFree === b.minFree && a.peakRequest === b.peakRequest,
        "stats changed by " + what,
    )
}

/** Runs `misuse`, expects a HeapError with `code` naming `ptr`, and that nothing changed. */
async function expectMisuse(heap: HeapAllocator, live: Live[], code: HeapErrorCode, ptr: number, what: string, misuse: () => void): Promise<HeapError> {
    const before = heap.stats()
    let caught: HeapError = null
    let other = ""
    try {
        misuse()
    } catch (e) {
        if (e instanceof HeapError) caught = e
        else other = "" + e
    }
    assert(caught !== null, what + ": expected a HeapError " + heapErrorName(code) + ", got " + (other === "" ? "no error" : other))
    assert(caught.code === code, what + ": expected " + heapErrorName(code) + ", got " + caught.message)
    if (ptr !== 0) assert(caught.message.indexOf(ptrText(ptr)) >= 0, what + ": message does not name " + ptrText(ptr) + ": " + caught.message)
    sameStats(heap.stats(), before, what)
    await expectAllIntact(heap, live, what)
    return caught
}

/** Three live blocks (48, 100 and 32 bytes, align 8); `victim` is the middle one. */
class Scene {
    heap: HeapAllocator
    live: Live[] = []
    victim: Live
}

async function scene(t: ConformanceTarget): Promise<Scene> {
    const s = new Scene()
    s.heap = t.make()
    await take(s.heap, s.live, 48, 8)
    s.victim = await take(s.heap, s.live, 100, 8)
    await take(s.heap, s.live, 32, 8)
    return s
}

async function deallocOutside(s: Scene, p: number): Promise<void> {
    await expectMisuse(s.heap, s.live, HeapErrorCode.OutOfRegion, p, "dealloc(" + ptrText(p) + ")", () => s.heap.dealloc(p, s.victim.layout))
}

function reallocThrowsLayoutError(heap: HeapAllocator, b: Live, newSize: number): void {
    let ok = false
    try {
        heap.realloc(b.ptr, b.layout, newSize)
    } catch (e) {
        ok = e instanceof LayoutError
    }
    assert(ok, "realloc to " + newSize + " should be a LayoutError")
}

/**
 * A case's run for a contract clause that cannot apply to one allocator
 * kind: that kind runs `instead` (what it promises in place of the clause,
 * stated beside the case), every other kind runs `body`.
 */
function unlessKind(kind: string, instead: (heap: HeapAllocator) => Promise<void>, body: (heap: HeapAllocator) => Promise<void>): (t: ConformanceTarget) => Promise<void> {
    return async t => {
        const heap = t.make()
        if (heap.kind === kind) await instead(heap)
        else await body(heap)
    }
}

export const CONFORMANCE_CASES: ConformanceCase[] = [
    {
        name: "a fresh heap is consistent and its stats add up",
        run: async t => {
            const heap = t.make()
            expectConsistent(heap, "construction")
            const s = heap.stats()
            assert(s.capacity > 0 && s.capacity <= heap.region.size, "capacity " + s.capacity + " out of range")
            assertEq(s.inUse + s.free, s.capacity, "inUse + free")
            assertEq(s.liveBlocks, 0, "liveBlocks")
            assert(s.largestFree > 0, "largestFree is 0")
        },
    },
    {
        name: "every pointer is aligned, inside the region and disjoint from the others",
        run: async t => {
            const heap = t.make()
            const live: Live[] = []
            const sizes = [1, 3, 0, 1]
            for (let align = 1; align <= MAX_ALIGN && heap.stats().largestFree > align * 2; align *= 2) {
                sizes[2] = align
                sizes[3] = align + 1
                for (const size of sizes) {
                    const layout = Layout.fromSizeAlign(size, align)
                    const p = heap.alloc(layout)
                    if (p === 0) continue
                    assertEq(p - Math.floor(p / align) * align, 0, "misalignment of " + ptrText(p) + " for align " + align)
                    assert(heap.region.contains(p, size), ptrText(p) + " is outside the region")
                    const b = new Live(p, layout, live.length + 7)
                    await fillPattern(heap, p, size, b.seed)
                    live.push(b)
                }
                await expectAllIntact(heap, live, "allocations of align " + align)
            }
            assert(live.length > 20, "only " + live.length + " blocks allocated")
            const sorted = live.slice(0).sort((a, b) => a.ptr - b.ptr)
            for (let i = 1; i < sorted.length; i++)
                assert(sorted[i].ptr >= sorted[i - 1].ptr + sorted[i - 1].layout.size, "blocks overlap at " + ptrText(sorted[i].ptr))
        },
    },
    {
        name: "the region's typed helpers reach exactly the bytes they name, interleaved across two blocks",
        // A view (system's handles, multi's parts) routes each access to a Buffer first; in the
        // VM a route's offset once leaked into the next access (routed_region.ts).
        run: async t => {
            const heap = t.make()
            const r = heap.region
            const l = Layout.fromSizeAlign(24, 8)
            const a = heap.alloc(l)
            const b = heap.alloc(l)
            assert(a !== 0 && b !== 0, "two 24-byte blocks")
            r.fill(a, 24, 0)
            r.fill(b, 24, 0)
            r.writeU32(a + 4, 0x11223344)
            r.writeU16(b + 10, 0xbeef)
            r.writeU8(a + 17, 0x5a)
            r.writeF64(b + 16, 1.5)
            r.writeI32(a + 8, -2)
            assertEq(r.readU32(a + 4), 0x11223344, "u32 at a + 4")
            assertEq(r.readU16(b + 10), 0xbeef, "u16 at b + 10")
            assertEq(r.readF64(b + 16), 1.5, "f64 at b + 16")
            assertEq(r.readI32(a + 8), -2, "i32 at a + 8")
            const want = [a, 0, a + 4, 0x44, a + 7, 0x11, a + 8, 0xfe, a + 17, 0x5a, b, 0, b + 10, 0xef, b + 11, 0xbe, b + 23, 0x3f]
            for (let i = 0; i < want.length; i += 2) assertEq(rawByte(heap, want[i]), want[i + 1], "raw byte at " + ptrText(want[i]))
            heap.dealloc(a, l)
            heap.dealloc(b, l)
            expectConsistent(heap, "typed accesses")
        },
    },
    {
        name: "zero-size requests get real, unique, freeable blocks",
        run: async t => {
            const heap = t.make()
            const z = Layout.fromSizeAlign(0, 1)
            const a = heap.alloc(z)
            const b = heap.alloc(z)
            assert(a !== 0 && b !== 0 && a !== b, "zero-size blocks must be non-null and unique")
            assertEq(heap.stats().liveBlocks, 2, "liveBlocks")
            heap.dealloc(b, z)
            heap.dealloc(a, z)
            assertEq(heap.stats().liveBlocks, 0, "liveBlocks after frees")
            expectConsistent(heap, "zero-size frees")
        },
    },
    {
        name: "dealloc returns memory: stats go back and counts add up",
        run: async t => {
            const heap = t.make()
            const start = heap.stats()
            let live: Live[] = []
            let requested = 0
            for (let i = 0; i < 20; i++) {
                await take(heap, live, 8 + i * 5, 4)
                requested += 8 + i * 5
            }
            const mid = heap.stats()
            assertEq(mid.liveBlocks, 20, "liveBlocks")
            assertEq(mid.requested, requested, "requested")
            assertEq(mid.allocs, 20, "allocs")
            // Freed newest first, so every allocator (bump included) reclaims all of it.
            while (live.length > 0) {
                const b = live[live.length - 1]
                heap.dealloc(b.ptr, b.layout)
                live = without(live, b)
                await expectAllIntact(heap, live, "dealloc of " + ptrText(b.ptr))
            }
            const end = heap.stats()
            assertEq(end.free, start.free, "free after freeing everything")
            assertEq(end.largestFree, start.largestFree, "largestFree after freeing everything")
            assertEq(end.frees, 20, "frees")
            assertEq(end.requested, 0, "requested")
            assert(end.peakInUse >= mid.inUse, "peakInUse below an observed inUse")
        },
    },
    {
        name: "allocZeroed returns zeroed bytes even where memory was dirty",
        run: async t => {
            const heap = t.make()
            const l = Layout.fromSizeAlign(200, 8)
            const p = heap.alloc(l)
            heap.region.fill(p, 200, 0xa5)
            heap.dealloc(p, l)
            const q = heap.allocZeroed(l)
            assert(q !== 0, "allocZeroed failed")
            assertEq(q, p, "the freed dirty block is reused")
            for (let i = 0; i < 200; i++) assertEq(heap.region.readU8(q + i), 0, "byte " + i)
            assertEq(heap.stats().allocs, 2, "allocs")
            expectConsistent(heap, "allocZeroed")
        },
    },
    {
        name: "realloc keeps min(old, new) bytes when growing, shrinking and moving",
        run: async t => {
            const heap = t.make()
            const live: Live[] = []
            const a = await take(heap, live, 40, 8)
            await take(heap, live, 24, 4) // a neighbour, so a cannot always grow in place
            const grown = heap.realloc(a.ptr, a.layout, 300)
            assert(grown !== 0, "realloc grow failed")
            assertEq(grown & 7, 0, "alignment after grow")
            await expectPattern(heap, grown, 40, a.seed, "grown block")
            a.ptr = grown
            a.layout = Layout.fromSizeAlign(300, 8)
            await fillPattern(heap, a.ptr, 300, a.seed)
            await expectAllIntact(heap, live, "realloc grow")
            const shrunk = heap.realloc(a.ptr, a.layout, 10)
            assert(shrunk !== 0, "realloc shrink failed")
            await expectPattern(heap, shrunk, 10, a.seed, "shrunk block")
            a.ptr = shrunk
            a.layout = Layout.fromSizeAlign(10, 8)
            await expectAllIntact(heap, live, "realloc shrink")
            assertEq(heap.stats().reallocs, 2, "reallocs")
            assertEq(heap.stats().liveBlocks, 2, "liveBlocks")
            for (const b of live) heap.dealloc(b.ptr, b.layout)
            expectConsistent(heap, "freeing reallocated blocks")
        },
    },
    {
        name: "realloc of the newest block to a smaller size stays in place",
        run: async t => {
            const heap = t.make()
            const l = Layout.fromSizeAlign(256, 16)
            const p = heap.alloc(l)
            assertEq(heap.realloc(p, l, 100), p, "shrunk block address")
            expectConsistent(heap, "in-place shrink")
        },
    },
    {
        name: "realloc that cannot be served returns 0 and leaves the old block valid",
        run: async t => {
            const heap = t.make()
            const live: Live[] = []
            const a = await take(heap, live, 64, 8)
            const before = heap.stats()
            assertEq(heap.realloc(a.ptr, a.layout, heap.stats().capacity * 2), 0, "realloc beyond the capacity")
            assertEq(heap.stats().failures, before.failures + 1, "failures")
            await expectAllIntact(heap, live, "failed realloc")
            heap.dealloc(a.ptr, a.layout) // still a valid block with its old layout
            expectConsistent(heap, "dealloc after failed realloc")
        },
    },
    {
        name: "realloc with an invalid new size is a LayoutError and changes nothing",
        run: async t => {
            const heap = t.make()
            const live: Live[] = []
            const a = await take(heap, live, 16, 4)
            const before = heap.stats()
            reallocThrowsLayoutError(heap, a, -1)
            reallocThrowsLayoutError(heap, a, 1.5)
            reallocThrowsLayoutError(heap, a, NaN)
            reallocThrowsLayoutError(heap, a, 0x7fffffff)
            sameStats(heap.stats(), before, "invalid realloc sizes")
            await expectAllIntact(heap, live, "invalid realloc sizes")
        },
    },
    {
        name: "exhaustion returns 0, counts a failure and corrupts nothing",
        run: async t => {
            const heap = t.make()
            const live: Live[] = []
            const rng = new Rng(42)
            // Sized by capacity, not region.size: the system allocator's region is a 64 MiB handle space (system.ts).
            const cap = heap.stats().capacity
            const maxSize = Math.max(32, cap >> 5)
            let failures = 0
            for (let i = 0; i < 2000 && failures < 5; i++) {
                const size = 16 + rng.below(maxSize)
                const layout = Layout.fromSizeAlign(size, 8)
                const p = heap.alloc(layout)
                if (p === 0) {
                    failures++
                    continue
                }
                const b = new Live(p, layout, i + 3)
                await fillPattern(heap, p, size, b.seed)
                live.push(b)
            }
            assertEq(failures, 5, "failures seen")
            const s = heap.stats()
            assertEq(s.failures, 5, "stats.failures")
            assert(s.free < s.capacity / 4, "free " + s.free + " of " + s.capacity + " after exhaustion")
            assertEq(heap.alloc(Layout.fromSizeAlign(cap + 1, 1)), 0, "alloc larger than the capacity")
            assertEq(heap.allocZeroed(Layout.fromSizeAlign(cap, 4)), 0, "allocZeroed of the whole capacity")
            assertEq(heap.stats().failures, 7, "stats.failures")
            await expectAllIntact(heap, live, "exhaustion")
        },
    },
    {
        name: "diagnostics: peakRequest counts every request, served or not; minFree is the low-water mark",
        run: async t => {
            const heap = t.make()
            const live: Live[] = []
            const fresh = heap.stats()
            assertEq(fresh.peakRequest, 0, "peakRequest of a fresh heap")
            assertEq(fresh.minFree, fresh.free, "minFree of a fresh heap")
            await take(heap, live, 24, 4)
            assertEq(heap.stats().peakRequest, 24, "peakRequest after alloc(24)")
            const big = await take(heap, live, 700, 8)
            const afterBig = heap.stats()
            assertEq(afterBig.minFree, afterBig.free, "minFree at the peak")
            heap.dealloc(big.ptr, big.layout)
            live.pop()
            const s = heap.stats()
            assertEq(s.minFree, afterBig.free, "minFree keeps the low-water mark after a free")
            assert(s.free > s.minFree, "free " + s.free + " back above minFree " + s.minFree)
            // A request that fails still counts (o1heap's peak_request_size).
            const huge = heap.stats().capacity * 2
            assertEq(heap.alloc(Layout.fromSizeAlign(huge, 1)), 0, "alloc(2 × capacity)")
            assertEq(heap.stats().peakRequest, huge, "peakRequest after a failed request")
            // realloc's new size counts too.
            const b = live[0]
            const q = heap.realloc(b.ptr, b.layout, 30)
            assert(q !== 0, "realloc 24 → 30")
            b.ptr = q
            b.layout = Layout.fromSizeAlign(30, 4)
            await fillPattern(heap, q, 30, b.seed)
            assertEq(heap.stats().peakRequest, huge, "peakRequest is a maximum")
            await expectAllIntact(heap, live, "diagnostics")
        },
    },
    {
        name: "diagnostics: fragmentation is 0..100, grows when free memory is split and is computed only by diagnostics()",
        // Cannot apply to "system": its free memory is the VM's GC heap, which
        // walk() cannot see (system.ts, Limits). Checked instead: it says 0.
        run: unlessKind(
            "system",
            async heap => {
                const live: Live[] = []
                for (let i = 0; i < 24; i++) await take(heap, live, 64, 8)
                for (let i = 0; i < live.length; i += 2) heap.dealloc(live[i].ptr, live[i].layout)
                assertEq(diagnostics(heap).fragmentation, 0, "system: fragmentation after a checkerboard")
            },
            async heap => {
                assertEq(heap.stats().fragmentation, -1, "stats() leaves fragmentation uncomputed")
                const fresh = diagnostics(heap).fragmentation
                assert(fresh >= 0 && fresh < 100, "fragmentation of a fresh heap " + fresh)
                // A checkerboard: free every other 64-byte block, so free memory
                // is many small holes between live blocks.
                const live: Live[] = []
                for (let i = 0; i < 24; i++) await take(heap, live, 64, 8)
                const holes: Live[] = []
                for (let i = 0; i < live.length; i += 2) {
                    heap.dealloc(live[i].ptr, live[i].layout)
                    holes.push(live[i])
                }
                const kept = live.filter(b => holes.indexOf(b) < 0)
                const d = diagnostics(heap)
                assert(d.fragmentation > fresh, "fragmentation " + d.fragmentation + " with 12 holes should exceed the fresh heap's " + fresh)
                assert(d.fragmentation < 100, "fragmentation " + d.fragmentation + " < 100")
                assertEq(d.problems().length, 0, "diagnostics record invariants: " + d.problems().join("; "))
                await expectAllIntact(heap, kept, "checkerboard")
            },
        ),
    },
    {
        name: "largestFree is a request that succeeds",
        run: async t => {
            const heap = t.make()
            const live: Live[] = []
            await take(heap, live, 100, 4)
            await take(heap, live, 1000, 4)
            const largest = heap.stats().largestFree
            assert(heap.alloc(Layout.fromSizeAlign(largest, 1)) !== 0, "alloc(largestFree = " + largest + ") failed")
            await expectAllIntact(heap, live, "allocating largestFree")
        },
    },
    {
        name: "misuse: double free",
        run: async t => {
            const s = await scene(t)
            s.heap.dealloc(s.victim.ptr, s.victim.layout)
            s.live = without(s.live, s.victim)
            await expectMisuse(s.heap, s.live, HeapErrorCode.DoubleFree, s.victim.ptr, "second dealloc", () => s.heap.dealloc(s.victim.ptr, s.victim.layout))
        },
    },
    {
        name: "misuse: double free of the newest block",
        run: async t => {
            const s = await scene(t)
            const last = s.live[s.live.length - 1]
            s.heap.dealloc(last.ptr, last.layout)
            s.live = without(s.live, last)
            await expectMisuse(s.heap, s.live, HeapErrorCode.DoubleFree, last.ptr, "second dealloc of the newest", () => s.heap.dealloc(last.ptr, last.layout))
        },
    },
    {
        name: "misuse: realloc of a freed block",
        run: async t => {
            const s = await scene(t)
            s.heap.dealloc(s.victim.ptr, s.victim.layout)
            s.live = without(s.live, s.victim)
            await expectMisuse(s.heap, s.live, HeapErrorCode.DoubleFree, s.victim.ptr, "realloc after dealloc", () => s.heap.realloc(s.victim.ptr, s.victim.layout, 8))
        },
    },
    {
        name: "misuse: a pointer inside a live block that was never handed out",
        run: async t => {
            const s = await scene(t)
            const inner = s.victim.ptr + 16
            await expectMisuse(s.heap, s.live, HeapErrorCode.NotAllocated, inner, "dealloc of an interior pointer", () =>
                s.heap.dealloc(inner, Layout.fromSizeAlign(16, 8)),
            )
        },
    },
    {
        name: "misuse: null",
        run: async t => {
            const s = await scene(t)
            await expectMisuse(s.heap, s.live, HeapErrorCode.NotAllocated, 0, "dealloc(null)", () => s.heap.dealloc(0, s.victim.layout))
        },
    },
    {
        name: "misuse: pointers outside the region",
        run: async t => {
            const s = await scene(t)
            const r = s.heap.region
            await deallocOutside(s, r.base - 16)
            await deallocOutside(s, r.base + r.size)
            await deallocOutside(s, r.base + r.size + 4096)
            await deallocOutside(s, 0x10)
            await expectMisuse(s.heap, s.live, HeapErrorCode.OutOfRegion, r.base - 16, "realloc outside", () => s.heap.realloc(r.base - 16, s.victim.layout, 8))
        },
    },
    {
        name: "misuse: a pointer misaligned for its layout",
        run: async t => {
            const s = await scene(t)
            const p = s.victim.ptr + 1
            await expectMisuse(s.heap, s.live, HeapErrorCode.Misaligned, p, "misaligned dealloc", () => s.heap.dealloc(p, s.victim.layout))
            await expectMisuse(s.heap, s.live, HeapErrorCode.Misaligned, p, "misaligned realloc", () => s.heap.realloc(p, s.victim.layout, 200))
        },
    },
    {
        name: "misuse: the wrong layout on dealloc and realloc",
        run: async t => {
            const s = await scene(t)
            const wrong = Layout.fromSizeAlign(400, 8)
            const e = await expectMisuse(s.heap, s.live, HeapErrorCode.WrongLayout, s.victim.ptr, "dealloc with a wrong layout", () => s.heap.dealloc(s.victim.ptr, wrong))
            assert(e.message.indexOf("400") >= 0, "message does not name the wrong size: " + e.message)
            await expectMisuse(s.heap, s.live, HeapErrorCode.WrongLayout, s.victim.ptr, "realloc with a wrong layout", () => s.heap.realloc(s.victim.ptr, wrong, 8))
            // Still live under its real layout.
            s.heap.dealloc(s.victim.ptr, s.victim.layout)
            expectConsistent(s.heap, "dealloc with the right layout")
        },
    },
]
