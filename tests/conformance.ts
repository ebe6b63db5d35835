/**
 * tests/conformance.ts — the GlobalAlloc contract (src/global_alloc.ts), written
 * once and run against every allocator of the project.
 *
 * Each test checks the heap's own invariants (check()) and the payload
 * patterns of every live block after the operations it makes, so a test
 * fails on any overlap, clobbered byte, lost copy or broken metadata — not
 * only on a wrong return value.
 */
import { describe, expect, test } from "vitest"
import { HeapError, HeapErrorCode } from "../src/errors"
import { HeapAllocator } from "../src/global_alloc"
import { ptrText } from "../src/hex"
import { Layout, LayoutError, MAX_ALIGN } from "../src/layout"
import { expectConsistent, expectPattern, fillPattern, rng } from "./helpers"

export interface ConformanceTarget {
    /** Suite title, e.g. "buddy on pico (32 KiB)". */
    name: string
    /** A fresh allocator over a fresh region. */
    make: () => HeapAllocator
    /** False for allocators that reuse freed memory only in LIFO order (bump). */
    reusesFreedMemory: boolean
}

interface Live {
    ptr: number
    layout: Layout
    seed: number
}

/** Allocates and fills a block; fails the test on null. */
function take(heap: HeapAllocator, live: Live[], size: number, align: number): Live {
    const layout = Layout.fromSizeAlign(size, align)
    const ptr = heap.alloc(layout)
    expect(ptr, `alloc(${size}, ${align})`).not.toBe(0)
    const b = { ptr, layout, seed: live.length + 1 }
    fillPattern(heap, ptr, size, b.seed)
    live.push(b)
    return b
}

function expectAllIntact(heap: HeapAllocator, live: Live[], after: string): void {
    for (const b of live) expectPattern(heap, b.ptr, b.layout.size, b.seed, `live block after ${after}`)
    expectConsistent(heap, after)
}

/** Runs `misuse`, expects a HeapError with `code` naming `ptr`, and that nothing changed. */
function expectMisuse(heap: HeapAllocator, live: Live[], code: HeapErrorCode, ptr: number, misuse: () => void): HeapError {
    const before = heap.stats()
    let caught: unknown = null
    try {
        misuse()
    } catch (e) {
        caught = e
    }
    expect(caught, "expected a HeapError").toBeInstanceOf(HeapError)
    const err = caught as HeapError
    expect({ code: err.code, message: err.message }).toMatchObject({ code })
    if (ptr !== 0) expect(err.message).toContain(ptrText(ptr))
    expect(heap.stats()).toEqual(before)
    expectAllIntact(heap, live, "a detected misuse")
    return err
}

export function conformanceSuite(t: ConformanceTarget): void {
    describe(`GlobalAlloc conformance: ${t.name}`, () => {
        test("fresh heap is consistent and its stats add up", () => {
            const heap = t.make()
            expectConsistent(heap, "construction")
            const s = heap.stats()
            expect(s.capacity).toBeGreaterThan(0)
            expect(s.capacity).toBeLessThanOrEqual(heap.region.size)
            expect(s.inUse + s.free).toBe(s.capacity)
            expect(s.liveBlocks).toBe(0)
            expect(s.largestFree).toBeGreaterThan(0)
        })

        test("every pointer is aligned, inside the region and disjoint from the others", () => {
            const heap = t.make()
            const live: Live[] = []
            for (let align = 1; align <= MAX_ALIGN && heap.stats().largestFree > align * 2; align *= 2) {
                for (const size of [1, 3, align, align + 1]) {
                    const layout = Layout.fromSizeAlign(size, align)
                    const p = heap.alloc(layout)
                    if (p === 0) continue
                    expect(p % align, `ptr ${ptrText(p)} align ${align}`).toBe(0)
                    expect(heap.region.contains(p, size)).toBe(true)
                    const b = { ptr: p, layout, seed: live.length + 7 }
                    fillPattern(heap, p, size, b.seed)
                    live.push(b)
                    expectAllIntact(heap, live, `alloc(${size}, ${align})`)
                }
            }
            expect(live.length).toBeGreaterThan(20)
            const sorted = [...live].sort((a, b) => a.ptr - b.ptr)
            for (let i = 1; i < sorted.length; i++)
                expect(sorted[i].ptr, "blocks overlap").toBeGreaterThanOrEqual(sorted[i - 1].ptr + sorted[i - 1].layout.size)
        })

        test("zero-size requests get real, unique, freeable blocks", () => {
            const heap = t.make()
            const z = Layout.fromSizeAlign(0, 1)
            const a = heap.alloc(z)
            const b = heap.alloc(z)
            expect(a).not.toBe(0)
            expect(b).not.toBe(0)
            expect(a).not.toBe(b)
            expect(heap.stats().liveBlocks).toBe(2)
            heap.dealloc(b, z)
            heap.dealloc(a, z)
            expect(heap.stats().liveBlocks).toBe(0)
            expectConsistent(heap, "zero-size frees")
        })

        test("dealloc returns memory: stats go back, and the space can be used again", () => {
            const heap = t.make()
            const start = heap.stats()
            const live: Live[] = []
            for (let i = 0; i < 20; i++) take(heap, live, 8 + i * 5, 4)
            const mid = heap.stats()
            expect(mid.liveBlocks).toBe(20)
            expect(mid.requested).toBe(live.reduce((s, b) => s + b.layout.size, 0))
            expect(mid.allocs).toBe(20)
            // Free in reverse order: every allocator (bump included) must reclaim all of it.
            while (live.length > 0) {
                const b = live.pop()
                heap.dealloc(b.ptr, b.layout)
                expectAllIntact(heap, live, `dealloc of ${ptrText(b.ptr)}`)
            }
            const end = heap.stats()
            expect(end.free).toBe(start.free)
            expect(end.largestFree).toBe(start.largestFree)
            expect(end.frees).toBe(20)
            expect(end.liveBlocks).toBe(0)
            expect(end.requested).toBe(0)
            expect(end.peakInUse).toBeGreaterThanOrEqual(mid.inUse)
        })

        test("allocZeroed returns zeroed bytes even where memory was dirty", () => {
            const heap = t.make()
            const l = Layout.fromSizeAlign(200, 8)
            const p = heap.alloc(l)
            heap.region.fill(p, 200, 0xa5)
            heap.dealloc(p, l)
            const q = heap.allocZeroed(l)
            expect(q).not.toBe(0)
            if (t.reusesFreedMemory || q === p) expect(q).toBe(p) // the dirty block is reused
            for (let i = 0; i < 200; i++) expect(heap.region.readU8(q + i)).toBe(0)
            expect(heap.stats().allocs).toBe(2)
            expectConsistent(heap, "allocZeroed")
        })

        test("realloc keeps min(old, new) bytes when growing, shrinking and moving", () => {
            const heap = t.make()
            const live: Live[] = []
            const a = take(heap, live, 40, 8)
            take(heap, live, 24, 4) // a neighbour, so a cannot always grow in place
            const grown = heap.realloc(a.ptr, a.layout, 300)
            expect(grown).not.toBe(0)
            expect(grown % 8).toBe(0)
            expectPattern(heap, grown, 40, a.seed, "grown block")
            a.ptr = grown
            a.layout = Layout.fromSizeAlign(300, 8)
            fillPattern(heap, a.ptr, 300, a.seed)
            expectAllIntact(heap, live, "realloc grow")
            const shrunk = heap.realloc(a.ptr, a.layout, 10)
            expect(shrunk).not.toBe(0)
            expectPattern(heap, shrunk, 10, a.seed, "shrunk block")
            a.ptr = shrunk
            a.layout = Layout.fromSizeAlign(10, 8)
            expectAllIntact(heap, live, "realloc shrink")
            expect(heap.stats().reallocs).toBe(2)
            expect(heap.stats().liveBlocks).toBe(2)
            for (const b of live) heap.dealloc(b.ptr, b.layout)
            expectConsistent(heap, "freeing reallocated blocks")
        })

        test("realloc of the newest block to a smaller size stays in place", () => {
            const heap = t.make()
            const l = Layout.fromSizeAlign(256, 16)
            const p = heap.alloc(l)
            expect(heap.realloc(p, l, 100)).toBe(p)
            expectConsistent(heap, "in-place shrink")
        })

        test("realloc that cannot be served returns 0 and leaves the old block valid", () => {
            const heap = t.make()
            const live: Live[] = []
            const a = take(heap, live, 64, 8)
            const before = heap.stats()
            expect(heap.realloc(a.ptr, a.layout, heap.region.size * 2)).toBe(0)
            expect(heap.stats().failures).toBe(before.failures + 1)
            expectAllIntact(heap, live, "failed realloc")
            heap.dealloc(a.ptr, a.layout) // still a valid block with its old layout
            expectConsistent(heap, "dealloc after failed realloc")
        })

        test("realloc with an invalid new size is a LayoutError and changes nothing", () => {
            const heap = t.make()
            const live: Live[] = []
            const a = take(heap, live, 16, 4)
            const before = heap.stats()
            for (const bad of [-1, 1.5, NaN, 0x7fffffff]) {
                expect(() => heap.realloc(a.ptr, a.layout, bad)).toThrow(LayoutError)
            }
            expect(heap.stats()).toEqual(before)
            expectAllIntact(heap, live, "invalid realloc sizes")
        })

        test("exhaustion returns 0, counts a failure and corrupts nothing", () => {
            const heap = t.make()
            const live: Live[] = []
            const next = rng(42)
            let failures = 0
            for (let i = 0; i < 2000 && failures < 5; i++) {
                const size = 16 + Math.floor(next() * 600)
                const layout = Layout.fromSizeAlign(size, 8)
                const p = heap.alloc(layout)
                if (p === 0) {
                    failures++
                    continue
                }
                const b = { ptr: p, layout, seed: i + 3 }
                fillPattern(heap, p, size, b.seed)
                live.push(b)
            }
            expect(failures).toBe(5)
            const s = heap.stats()
            expect(s.failures).toBe(5)
            expect(s.free).toBeLessThan(s.capacity / 4)
            expect(heap.alloc(Layout.fromSizeAlign(heap.region.size + 1, 1))).toBe(0)
            expect(heap.allocZeroed(Layout.fromSizeAlign(heap.region.size, 4))).toBe(0)
            expect(heap.stats().failures).toBe(7)
            expectAllIntact(heap, live, "exhaustion")
        })

        test("largestFree is a request that succeeds", () => {
            const heap = t.make()
            const live: Live[] = []
            take(heap, live, 100, 4)
            take(heap, live, 1000, 4)
            const largest = heap.stats().largestFree
            const p = heap.alloc(Layout.fromSizeAlign(largest, 1))
            expect(p).not.toBe(0)
            expectAllIntact(heap, live, "allocating largestFree")
        })

        describe("misuse is detected, reported as HeapError and harmless", () => {
            function setup() {
                const heap = t.make()
                const live: Live[] = []
                take(heap, live, 48, 8)
                const victim = take(heap, live, 100, 8)
                take(heap, live, 32, 8)
                return { heap, live, victim }
            }

            test("double free", () => {
                const { heap, live, victim } = setup()
                heap.dealloc(victim.ptr, victim.layout)
                live.splice(live.indexOf(victim), 1)
                expectMisuse(heap, live, HeapErrorCode.DoubleFree, victim.ptr, () => heap.dealloc(victim.ptr, victim.layout))
            })

            test("double free of the newest block", () => {
                const { heap, live } = setup()
                const last = live.pop()
                heap.dealloc(last.ptr, last.layout)
                const e = expectMisuse(heap, live, HeapErrorCode.DoubleFree, last.ptr, () => heap.dealloc(last.ptr, last.layout))
                expect(e.message).toMatch(/free/)
            })

            test("a pointer inside a live block that it never handed out", () => {
                const { heap, live, victim } = setup()
                const inner = victim.ptr + 16
                expectMisuse(heap, live, HeapErrorCode.NotAllocated, inner, () => heap.dealloc(inner, Layout.fromSizeAlign(16, 8)))
            })

            test("null", () => {
                const { heap, live, victim } = setup()
                expectMisuse(heap, live, HeapErrorCode.NotAllocated, 0, () => heap.dealloc(0, victim.layout))
            })

            test("pointers outside the region", () => {
                const { heap, live, victim } = setup()
                const r = heap.region
                for (const p of [r.base - 16, r.base + r.size, r.base + r.size + 4096, 0x10])
                    expectMisuse(heap, live, HeapErrorCode.OutOfRegion, p, () => heap.dealloc(p, victim.layout))
                expectMisuse(heap, live, HeapErrorCode.OutOfRegion, r.base - 16, () => heap.realloc(r.base - 16, victim.layout, 8))
            })

            test("a pointer misaligned for its layout", () => {
                const { heap, live, victim } = setup()
                const p = victim.ptr + 1
                expectMisuse(heap, live, HeapErrorCode.Misaligned, p, () => heap.dealloc(p, victim.layout))
                expectMisuse(heap, live, HeapErrorCode.Misaligned, p, () => heap.realloc(p, victim.layout, 200))
            })

            test("the wrong layout on dealloc and realloc", () => {
                const { heap, live, victim } = setup()
                const wrong = Layout.fromSizeAlign(400, 8)
                const e = expectMisuse(heap, live, HeapErrorCode.WrongLayout, victim.ptr, () => heap.dealloc(victim.ptr, wrong))
                expect(e.message).toMatch(/400/)
                expectMisuse(heap, live, HeapErrorCode.WrongLayout, victim.ptr, () => heap.realloc(victim.ptr, wrong, 8))
                // The block is still live under its real layout.
                heap.dealloc(victim.ptr, victim.layout)
                expectConsistent(heap, "dealloc with the right layout")
            })

            test("realloc of a freed block", () => {
                const { heap, live, victim } = setup()
                heap.dealloc(victim.ptr, victim.layout)
                live.splice(live.indexOf(victim), 1)
                expectMisuse(heap, live, HeapErrorCode.DoubleFree, victim.ptr, () => heap.realloc(victim.ptr, victim.layout, 8))
            })
        })
    })
}
