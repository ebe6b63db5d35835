/**
 * The debug modes (src/layers/debug.ts) over every allocator kind: the portable
 * debug cases (tests/contract/debug.ts), and the shared GlobalAlloc
 * conformance cases and property suite through DebugAllocator at Light and
 * at Full, so the wrapper keeps the contract it wraps.
 *
 * Full with its default quarantine holds freed blocks back on purpose, which
 * four conformance cases rule out by what they assert: that a freed block is
 * free at once ("dealloc returns memory", the minFree low-water case, the
 * fragmentation checkerboard) or reused at once ("allocZeroed ... dirty":
 * q === p). Those run at Full with quarantineBytes 0 (fills on, quarantine
 * off), as does the property suite (it ends with free === the initial free);
 * every other conformance case also runs at Full with the default quarantine,
 * and QUARANTINE_EXCLUDED is checked to name only cases that exist. In place
 * of the property suite, quarantineProgram() runs random programs at Full
 * with the default quarantine and ends with a drain().
 */
import { describe, expect, test } from "vitest"
import { Layout } from "../../src/core/layout"
import { boardById } from "../../boards/index"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators/registry"
import { DebugAllocator, DebugLevel } from "../../src/layers/debug"
import { StaticRegion } from "../../src/core/region"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { expectConsistent, patternByte, Rng } from "../contract/check"
import { DEBUG_CASES } from "../contract/debug"
import { propertySuite } from "../properties"

/** Conformance cases that assert a freed block is free or reused at once (see the header). */
const QUARANTINE_EXCLUDED = [
    "dealloc returns memory: stats go back and counts add up",
    "allocZeroed returns zeroed bytes even where memory was dirty",
    "diagnostics: peakRequest counts every request, served or not; minFree is the low-water mark",
    "diagnostics: fragmentation is 0..100, grows when free memory is split and is computed only by diagnostics()",
]

const pico = () => StaticRegion.forBoard(boardById("pico"))

function fill(heap: DebugAllocator, p: number, len: number, seed: number): void {
    for (let i = 0; i < len; i++) heap.region.buf.setAt(p - heap.region.base + i, "u8", patternByte(seed, i))
}

function same(heap: DebugAllocator, p: number, len: number, seed: number, what: string): void {
    for (let i = 0; i < len; i++) if (heap.region.buf.getAt(p - heap.region.base + i, "u8") !== patternByte(seed, i)) expect.fail(`${what}: byte ${i} at ${p} changed`)
}

/**
 * A random program of alloc / allocZeroed / dealloc / realloc at Full with
 * the default quarantine (4 KiB on pico), checked against a model after every
 * op; scan() finds nothing; after freeing and draining, the heap is back to
 * its first free and largestFree. Returns the ops run.
 */
function quarantineProgram(kind: string, seed: number): number {
    const heap = new DebugAllocator(makeAllocator(kind, pico()), DebugLevel.Full)
    const first = heap.stats()
    const rng = new Rng(seed)
    const live: { ptr: number; layout: Layout; seed: number }[] = []
    let requested = 0
    let evictions = 0
    const ops = 400
    for (let n = 1; n <= ops; n++) {
        const op = rng.below(10)
        const size = rng.below(10) < 8 ? rng.below(200) : rng.below(3000)
        const align = 1 << rng.below(6)
        const what = `${kind} seed ${seed} op ${n}`
        if (op < 5) {
            const layout = Layout.fromSizeAlign(size, align)
            const p = op === 4 ? heap.allocZeroed(layout) : heap.alloc(layout)
            if (p !== 0) {
                expect(p % align).toBe(0)
                const b = { ptr: p, layout, seed: n }
                fill(heap, p, size, b.seed)
                live.push(b)
                requested += size
            }
        } else if (op < 8 && live.length > 0) {
            const i = rng.below(live.length)
            const b = live[i]
            same(heap, b.ptr, b.layout.size, b.seed, what)
            const q = heap.quarantined()
            heap.dealloc(b.ptr, b.layout)
            if (heap.quarantined() <= q) evictions++
            live.splice(i, 1)
            requested -= b.layout.size
        } else if (live.length > 0) {
            const b = live[rng.below(live.length)]
            const p = heap.realloc(b.ptr, b.layout, size)
            if (p !== 0) {
                same(heap, p, Math.min(size, b.layout.size), b.seed, what)
                requested += size - b.layout.size
                b.ptr = p
                b.layout = Layout.fromSizeAlign(size, b.layout.align)
                fill(heap, p, size, b.seed)
            }
        }
        expectConsistent(heap, what)
        expect(heap.stats().liveBlocks).toBe(live.length)
        expect(heap.stats().requested).toBe(requested)
        if (n % 50 === 0) expect(heap.scan()).toBe(0)
    }
    for (const b of live) same(heap, b.ptr, b.layout.size, b.seed, "at the end")
    for (const b of live) heap.dealloc(b.ptr, b.layout)
    heap.drain()
    expectConsistent(heap, "drain")
    expect(heap.failures().length).toBe(0)
    expect(heap.stats().free).toBe(first.free)
    expect(heap.stats().largestFree).toBe(first.largestFree)
    expect(evictions).toBeGreaterThan(0)
    expect(heap.inner.stats().failures).toBeGreaterThan(0) // the region ran full: drains before a null ran
    return ops
}

test("QUARANTINE_EXCLUDED names existing conformance cases", () => {
    const names = CONFORMANCE_CASES.map(c => c.name)
    for (const n of QUARANTINE_EXCLUDED) if (names.indexOf(n) < 0) expect.fail(`no conformance case named "${n}"`)
})

// Region kinds only: the debug layer refuses system's and multi's heaps (its canary list links blocks through one region's bytes).
for (const kind of ALLOCATOR_KINDS) {
    describe(`debug cases: ${kind} on 8 KiB`, () => {
        const target = { name: `${kind} on 8 KiB`, make: () => makeAllocator(kind, new StaticRegion(0x20020000, 8192)) }
        for (const c of DEBUG_CASES) test(c.name, () => c.run(target))
    })

    const variants: { name: string; level: DebugLevel; q?: number; exclude: string[] }[] = [
        { name: "light", level: DebugLevel.Light, exclude: [] },
        { name: "full, no quarantine", level: DebugLevel.Full, q: 0, exclude: [] },
        { name: "full", level: DebugLevel.Full, exclude: QUARANTINE_EXCLUDED },
    ]
    for (const v of variants) {
        const make = () => new DebugAllocator(makeAllocator(kind, pico()), v.level, v.q === undefined ? undefined : { quarantineBytes: v.q })
        describe(`GlobalAlloc conformance through DebugAllocator (${v.name}): ${kind} on pico`, () => {
            const target = { name: `debug ${v.name} over ${kind}`, make }
            for (const c of CONFORMANCE_CASES) if (v.exclude.indexOf(c.name) < 0) test(c.name, () => c.run(target))
        })
        if (v.exclude.length === 0) propertySuite(`DebugAllocator (${v.name}) over ${kind} on pico`, make)
    }
    test(`random programs at full with the default quarantine: ${kind} on pico (≥ 10,000 ops)`, () => {
        let total = 0
        for (let seed = 1; seed <= 25; seed++) total += quarantineProgram(kind, seed * 7919)
        expect(total).toBeGreaterThanOrEqual(10_000)
    })
}
