/**
 * The fuzzer can fail (issue 9): deliberately broken allocators — each a
 * ForwardingAllocator over a real one that misbehaves once every N calls —
 * are each caught by the shadow model of tests/fuzz/shadow.ts, with the
 * finding that names the bug. The same wrapper that never misbehaves
 * passes the same run, so the findings are the bugs', not the harness's.
 */
import { describe, expect, test } from "vitest"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"
import { Layout } from "../../src/core/layout"
import { HeapAllocator } from "../../src/api/global_alloc"
import { ForwardingAllocator } from "../../src/layers/forwarding"
import { DEFAULT_SEED } from "./ops"
import { fuzz, FuzzFailure, regionBytes } from "./shadow"

type Bug = "none" | "stray write" | "lost block" | "interior pointer" | "realloc prefix"

/** Misbehaves (`bug`) on every EVERY-th alloc or realloc; tracks the live blocks it handed out. */
class Broken extends ForwardingAllocator {
    static EVERY = 97
    private calls = 0
    private live = new Map<number, number>()
    constructor(inner: HeapAllocator, private bug: Bug) {
        super(inner)
    }
    private due(): boolean {
        return this.bug !== "none" && ++this.calls % Broken.EVERY === 0
    }
    /** A live block of at least `min` bytes other than `not`, or 0. */
    private other(min: number, not: number): number {
        for (const [p, size] of this.live) if (p !== not && size >= min) return p
        return 0
    }
    override alloc(layout: Layout): number {
        if (this.bug === "interior pointer" && layout.align <= 8 && this.due()) {
            const victim = this.other(32, 0)
            if (victim !== 0) return victim + 8 // inside a live block: never allocated
        }
        const p = this.inner.alloc(layout)
        if (p === 0) return 0
        if (this.bug === "stray write" && this.due()) {
            const victim = this.other(1, p)
            if (victim !== 0) regionBytes(this.inner)[victim - this.region.base] ^= 0x5a // one byte into a neighbour
        }
        if (this.bug === "lost block" && this.due()) {
            this.inner.dealloc(p, layout) // forgets the block it hands out: its bytes go back to the free pool
            return p
        }
        this.live.set(p, layout.size)
        return p
    }
    override allocZeroed(layout: Layout): number {
        const p = this.inner.allocZeroed(layout)
        if (p !== 0) this.live.set(p, layout.size)
        return p
    }
    override dealloc(ptr: number, layout: Layout): void {
        this.inner.dealloc(ptr, layout)
        this.live.delete(ptr)
    }
    override realloc(ptr: number, layout: Layout, newSize: number): number {
        const q = this.inner.realloc(ptr, layout, newSize)
        if (q === 0) return 0
        this.live.delete(ptr)
        this.live.set(q, newSize)
        if (this.bug === "realloc prefix" && Math.min(layout.size, newSize) > 0 && this.due()) regionBytes(this.inner)[q - this.region.base] ^= 0x01
        return q
    }
}

const FINDINGS: [Bug, RegExp][] = [
    ["stray write", /byte \d+ is \d+, expected \d+/],
    ["lost block", /overlap|liveBlocks|check\(\)|threw during a valid operation/],
    ["interior pointer", /belongs to live block #\d+: overlap/],
    ["realloc prefix", /byte 0 of the kept prefix/],
]

describe("the fuzzer catches deliberately broken allocators", () => {
    // Region kinds, not system or multi: the shadow model (shadow.ts) mirrors one region's bytes, which system's Buffers and multi's parts are not (their streams are fuzzed VM-vs-host in stream.ts).
    for (const kind of ALLOCATOR_KINDS) {
        test(`${kind}: the honest wrapper passes 20,000 ops`, () => {
            const r = fuzz(new Broken(makeAllocator(kind, new StaticRegion(0x20020000, 32768)), "none"), kind, DEFAULT_SEED, 20_000)
            expect(r.ops).toBe(20_000)
        })
        for (const [bug, finding] of FINDINGS)
            test(`${kind}: ${bug} is caught`, () => {
                let caught: unknown = null
                try {
                    fuzz(new Broken(makeAllocator(kind, new StaticRegion(0x20020000, 32768)), bug), kind, DEFAULT_SEED, 20_000)
                } catch (e) {
                    caught = e
                }
                expect(caught, `${bug} on ${kind} was not caught`).toBeInstanceOf(FuzzFailure)
                expect((caught as Error).message).toMatch(finding)
            })
    }
})
