/**
 * TrackingAllocator (src/layers/tracking.ts) on the host: the portable cases
 * (tests/contract/tracking.ts) for every allocator kind, and the allocation
 * tags (src/layers/alloc_tag.ts): restored when a container's call throws, bad
 * names and tags rejected, the bounded table.
 */
import { describe, expect, test } from "vitest"
import { AllocTag, MAX_ALLOC_TAGS, allocTagCount, allocTagName, claimAllocTag, currentAllocTag, registerAllocTag, setAllocTag } from "../../src/layers/alloc_tag"
import { AllocError, GlobalAllocAdapter } from "../../src/api/allocator_api"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { Box } from "../../src/collections/boxed"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { HeapString } from "../../src/collections/heap_string"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { MAX_TRACKED_SLOTS, TrackingAllocator, formatLeakReport } from "../../src/layers/tracking"
import { ElemKind, Vec } from "../../src/collections/vec"
import { LoggingAllocator } from "../../src/layers/logging"
import { StreamDecoder } from "../../sim/decoder"
import { TRACKING_CASES } from "../contract/tracking"

for (const kind of HEAP_KINDS) {
    describe(`TrackingAllocator over ${kind}`, () => {
        const target = { name: `${kind} on 8 KiB`, make: () => makeAllocator(kind, new StaticRegion(0x20020000, 8192)) }
        for (const c of TRACKING_CASES) test(c.name, () => c.run(target))
    })
}

function heapError(f: () => unknown): HeapError {
    try {
        f()
    } catch (e) {
        expect(e).toBeInstanceOf(HeapError)
        return e as HeapError
    }
    throw new Error("expected a HeapError")
}

describe("allocation tags", () => {
    test("built-in tags and names", () => {
        expect([AllocTag.Raw, AllocTag.Box, AllocTag.Vec, AllocTag.String].map(allocTagName)).toEqual(["raw", "box", "vec", "string"])
        expect(currentAllocTag()).toBe(AllocTag.Raw)
        expect(registerAllocTag("vec")).toBe(AllocTag.Vec)
    })

    test("setAllocTag returns the previous tag; claimAllocTag sets only over raw", () => {
        expect(setAllocTag(AllocTag.Box)).toBe(AllocTag.Raw)
        expect(claimAllocTag(AllocTag.Vec)).toBe(AllocTag.Box)
        expect(currentAllocTag()).toBe(AllocTag.Box) // the outer kind stays
        expect(setAllocTag(AllocTag.Raw)).toBe(AllocTag.Box)
        expect(claimAllocTag(AllocTag.Vec)).toBe(AllocTag.Raw)
        expect(currentAllocTag()).toBe(AllocTag.Vec)
        setAllocTag(AllocTag.Raw)
    })

    test("containers restore the tag when their allocation throws", () => {
        const heap = new TrackingAllocator(makeAllocator("buddy", new StaticRegion(0x20020000, 4096)))
        const a = new GlobalAllocAdapter(heap)
        expect(() => Box.newIn(a, Layout.fromSizeAlign(8192, 8))).toThrow(AllocError)
        expect(currentAllocTag()).toBe(AllocTag.Raw)
        expect(() => Vec.withCapacityIn(a, ElemKind.U32, 4096)).toThrow(AllocError)
        expect(currentAllocTag()).toBe(AllocTag.Raw)
        const v = Vec.newIn(a, ElemKind.U8)
        v.push(1)
        expect(() => v.reserve(5000)).toThrow(AllocError) // a failed grow
        expect(currentAllocTag()).toBe(AllocTag.Raw)
        expect(() => HeapString.fromIn(a, "x".repeat(5000))).toThrow(AllocError)
        expect(currentAllocTag()).toBe(AllocTag.Raw)
        // Inside a user's tag, a failing container restores the user's tag, not raw.
        const prev = setAllocTag(registerAllocTag("cache"))
        try {
            expect(() => Box.newIn(a, Layout.fromSizeAlign(8192, 8))).toThrow(AllocError)
            expect(allocTagName(currentAllocTag())).toBe("cache")
        } finally {
            setAllocTag(prev)
        }
        expect(currentAllocTag()).toBe(AllocTag.Raw)
        expect(heap.counts().failures).toBe(5)
        expect(heap.leakReport().blocks.map(b => b.kind)).toEqual(["vec"])
        v.drop()
        expect(heap.check()).toEqual([])
    })

    test("bad names are HeapError(BadArgument) and register nothing", () => {
        const n = allocTagCount()
        for (const bad of ["", "Upper", "with space", "a".repeat(25), "dot.name", "é", 7 as unknown as string, null as unknown as string]) {
            const e = heapError(() => registerAllocTag(bad))
            expect(e.code).toBe(HeapErrorCode.BadArgument)
        }
        expect(allocTagCount()).toBe(n)
        expect(registerAllocTag("a".repeat(24))).toBe(n)
        expect(registerAllocTag("x_y-9")).toBe(n + 1)
    })

    test("unregistered tags are rejected by setAllocTag and allocTagName, and nothing changes", () => {
        for (const bad of [-1, 1.5, allocTagCount(), 255, NaN]) {
            expect(heapError(() => setAllocTag(bad)).code).toBe(HeapErrorCode.BadArgument)
            expect(heapError(() => allocTagName(bad)).code).toBe(HeapErrorCode.BadArgument)
        }
        expect(currentAllocTag()).toBe(AllocTag.Raw)
    })

})

describe("TrackingAllocator limits and formatting", () => {
    test("the table grows to MAX_TRACKED_SLOTS, then alloc returns null without asking the inner allocator", () => {
        const inner = makeAllocator("bump", new StaticRegion(0x20020000, 57336))
        const heap = new TrackingAllocator(inner)
        const l = Layout.fromSizeAlign(1, 1)
        const limit = (MAX_TRACKED_SLOTS * 3) / 4
        for (let i = 0; i < limit; i++) expect(heap.alloc(l)).not.toBe(0)
        const innerAllocs = inner.stats().allocs
        expect(heap.alloc(l)).toBe(0)
        expect(heap.allocZeroed(l)).toBe(0)
        expect(inner.stats().allocs).toBe(innerAllocs)
        expect(heap.counts().failures).toBe(2)
        expect(heap.counts().live).toBe(limit)
        expect(heap.check()).toEqual([])
    })

    test("blocks made before wrapping are untracked: freeing them works and is counted apart", () => {
        const inner = makeAllocator("tlsf", new StaticRegion(0x20020000, 4096))
        const l = Layout.fromSizeAlign(16, 8)
        const old = inner.alloc(l)
        const old2 = inner.alloc(l)
        const heap = new TrackingAllocator(inner)
        const p = heap.alloc(l)
        expect(heap.realloc(old2, l, 8)).not.toBe(0)
        heap.dealloc(old, l)
        const c = heap.counts()
        expect([c.untracked, c.frees, c.reallocs, c.live]).toEqual([2, 0, 1, 1])
        expect(heap.leakReport().blocks.map(b => b.ptr)).toEqual([p])
        expect(heap.check()).toEqual([])
    })

    test("check() finds a tracked block freed behind the tracker's back", () => {
        const inner = makeAllocator("buddy", new StaticRegion(0x20020000, 4096))
        const heap = new TrackingAllocator(inner)
        const l = Layout.fromSizeAlign(16, 8)
        const p = heap.alloc(l)
        expect(heap.check()).toEqual([])
        inner.dealloc(p, l)
        expect(heap.check().join("; ")).toMatch(/1 blocks tracked but the inner allocator has only 0 live/)
    })

    test("reportLeaks through the LoggingAllocator streams ~L lines the host decoder matches against its model", () => {
        const lines: string[] = []
        const tracker = new TrackingAllocator(makeAllocator("buddy", new StaticRegion(0x20020000, 8192)))
        const log = new LoggingAllocator(tracker, "pico", { emit: line => lines.push(line) })
        tracker.setEvents(log)
        const a = new GlobalAllocAdapter(log)
        const b = Box.newIn(a, Layout.fromSizeAlign(12, 4))
        const v = Vec.newIn(a, ElemKind.U32)
        for (let i = 0; i < 9; i++) v.push(i)
        HeapString.fromIn(a, "bye").drop()
        const r = tracker.reportLeaks()
        expect(r.count).toBe(2)
        expect(lines.filter(l => l.startsWith("~L "))).toHaveLength(2)
        const d = new StreamDecoder()
        for (const line of lines) d.push(line)
        expect(d.anomalies).toEqual([])
        expect(d.leakReport?.byKind).toEqual([
            { kind: "box", blocks: 1, bytes: 12 },
            { kind: "vec", blocks: 1, bytes: 64 },
        ])
        expect(d.leakReport?.entries.map(e => e.ptr)).toEqual(r.blocks.map(x => x.ptr))
        b.drop()
        v.drop()
    })

    test("a long per-kind list continues on further lines, each under 150 characters", () => {
        const heap = new TrackingAllocator(makeAllocator("buddy", new StaticRegion(0x20020000, 8192)))
        const names = ["alpha-kind-with-long-name", "beta-kind-with-long-name", "gamma-kind-long-name", "delta-kind-long-name", "epsilon-kind-long-name", "zeta-kind-long-name"]
        const ptrs: number[] = []
        for (const name of names) {
            const prev = setAllocTag(registerAllocTag(name.slice(0, 24)))
            try {
                ptrs.push(heap.alloc(Layout.fromSizeAlign(16, 8)))
            } finally {
                setAllocTag(prev)
            }
        }
        const lines = formatLeakReport(heap.leakReport())
        expect(lines.length).toBeGreaterThan(1 + names.length)
        for (const line of lines) expect(line.length).toBeLessThan(150)
        expect(lines[0]).toMatch(/^6 live blocks, 96 bytes: /)
        const text = lines.slice(0, lines.length - names.length).join(" ")
        for (const name of names) expect(text).toContain(name.slice(0, 24) + " 1 (16 B)")
    })
})

// Last: it fills the tag table that the tests above register into.
describe("allocation tag table", () => {
    test("the table is bounded: past MAX_ALLOC_TAGS, registering a new name is HeapError(BadArgument)", () => {
        while (allocTagCount() < MAX_ALLOC_TAGS) registerAllocTag("kind-" + allocTagCount())
        const e = heapError(() => registerAllocTag("one-too-many"))
        expect(e.message).toMatch(/all 32 tags/)
        expect(registerAllocTag(allocTagName(10))).toBe(10) // existing names still resolve
        expect(allocTagName(MAX_ALLOC_TAGS - 1)).toBe("kind-" + (MAX_ALLOC_TAGS - 1))
    })
})
