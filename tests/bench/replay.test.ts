/**
 * bench/replay.ts on the host: every allocator kind replays every MCU trace
 * and window on a Pico region; broken allocators (a pointer handed out twice,
 * a clobbered byte, a realloc that loses the prefix, a misaligned or outside
 * pointer, a HeapError) are ReplayErrors naming the op; failure counting and
 * stopOnFailure; a large trace on the host board; and the shim's host-only
 * large Buffers (_simAllowLargeBuffers).
 */
import { _simAllowLargeBuffers, Buffer as DsBuffer } from "@devicescript/core"
import { afterEach, describe, expect, it } from "vitest"
import { EncodedTrace, replay, ReplayError, ReplayOptions } from "../../bench/replay"
import { encodeTrace, loadTrace } from "../../bench/trace/encode"
import { parseTrace } from "../../bench/trace/rep"
import { MCU_ALL, mcuTrace } from "../../bench/trace/windows"
import { HOST } from "../../boards/host"
import { PICO } from "../../boards/pico"
import { ESP32S2 } from "../../boards/esp32s2"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators/registry"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { ForwardingAllocator } from "../../src/layers/forwarding"
import { HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { MAX_DEVICE_REGION, StaticRegion } from "../../src/core/region"
import { TlsfAllocator } from "../../src/allocators/tlsf"

/** A trace from .rep text (header computed). */
function trace(name: string, ops: string[], ids: number): EncodedTrace {
    return encodeTrace(parseTrace(name, [0, ids, ops.length, 1].join("\n") + "\n" + ops.join("\n") + "\n"))
}

/**
 * (kind, trace) pairs that do not fit a 32 KiB region, each checked to fail
 * (so the list stays true): realloc2-bal's peak is 27.5 KiB of 32 KiB (pool,
 * whose spans take the best-fitting free run, serves it); bump
 * reclaims only the top of its stack, so realloc-bal's growing block strands
 * the space below it.
 */
const TOO_BIG_FOR_PICO: Record<string, string[]> = {
    "realloc2-bal": ["buddy", "bump", "tlsf"],
    "realloc-bal-w1": ["bump"],
    "realloc-bal-w2": ["bump"],
}

describe("every allocator replays the MCU traces on a Pico region", () => {
    for (const name of MCU_ALL) {
        it(name, async () => {
            const t = mcuTrace(name)
            // Region kinds, not system or multi: the Replayer's payload checks and shadow map address one region's bytes (bench/replay.ts).
            for (const kind of ALLOCATOR_KINDS) {
                const r = await replay(makeAllocator(kind, StaticRegion.forBoard(PICO)), t)
                expect(r.ops, kind).toBe(t.count)
                const expectFail = (TOO_BIG_FOR_PICO[name] ?? []).indexOf(kind) >= 0
                if (expectFail) {
                    expect(r.failures, kind + " is listed as not fitting").toBeGreaterThan(0)
                    expect(r.firstFailure).toBeGreaterThanOrEqual(0)
                } else {
                    expect(r.failures, kind).toBe(0)
                    expect(r.firstFailure).toBe(-1)
                    expect(r.skipped).toBe(0)
                    expect(r.peakPayload, kind).toBe(t.peakPayload)
                    expect(r.allocs + r.reallocs + r.frees).toBe(t.count)
                }
            }
        })
    }

    it("realloc2-bal fits the largest device region with tlsf and pool", async () => {
        const t = mcuTrace("realloc2-bal")
        for (const kind of ["tlsf", "pool"]) {
            const r = await replay(makeAllocator(kind, new StaticRegion(0x20020000, MAX_DEVICE_REGION)), t)
            expect(r.failures, kind).toBe(0)
            expect(r.peakPayload).toBe(t.peakPayload)
        }
    })
})

/**
 * A HeapAllocator that forwards to TLSF and misbehaves at its `at`-th call of
 * the chosen kind ("dup": alloc returns the previous block again; "clobber":
 * alloc also zeroes the first byte of the previous block, "clobber68" its
 * byte 68; "lose": realloc
 * moves without copying; "misalign": alloc returns p + 4; "outside": alloc
 * returns an address past the region; "throw": dealloc throws a HeapError).
 */
class Broken extends ForwardingAllocator {
    allocs = 0
    reallocs = 0
    frees = 0
    prev = 0

    constructor(public mode: string, public at: number) {
        super(new TlsfAllocator(new StaticRegion(0x20020000, 16384)))
    }
    override alloc(layout: Layout): number {
        const n = ++this.allocs
        const p = this.inner.alloc(layout)
        if (n === this.at && this.mode === "dup") return this.prev
        if (n === this.at && this.mode === "clobber") this.region.writeU8(this.prev, 0)
        if (n === this.at && this.mode === "clobber68") this.region.writeU8(this.prev + 68, 0)
        if (n === this.at && this.mode === "misalign") return p + 4
        if (n === this.at && this.mode === "outside") return this.region.end()
        this.prev = p
        return p
    }
    override dealloc(ptr: number, layout: Layout): void {
        if (++this.frees === this.at && this.mode === "throw") throw new HeapError(HeapErrorCode.DoubleFree, ptr, "pretend double free of " + ptr)
        this.inner.dealloc(ptr, layout)
    }
    override realloc(ptr: number, layout: Layout, newSize: number): number {
        if (++this.reallocs === this.at && this.mode === "lose") {
            const q = this.inner.alloc(new Layout(newSize, layout.align))
            this.inner.dealloc(ptr, layout)
            this.region.fill(q, newSize, 0xee)
            return q
        }
        return this.inner.realloc(ptr, layout, newSize)
    }
}

/** The ReplayError replay throws (fails the test if none). */
async function replayError(heap: HeapAllocator, t: EncodedTrace): Promise<ReplayError> {
    try {
        await replay(heap, t)
    } catch (e) {
        expect(e).toBeInstanceOf(ReplayError)
        return e as ReplayError
    }
    throw new Error("no ReplayError")
}

describe("correctness failures are ReplayErrors naming the op", () => {
    const three = trace("three", ["a 0 100", "a 1 200", "a 2 300", "r 1 260", "f 0", "f 1", "f 2"], 3)

    it("the same pointer handed out twice: overlap at that alloc", async () => {
        const e = await replayError(new Broken("dup", 2), three)
        expect(e.op).toBe(1)
        expect(e.message).toMatch(/^op 1 \(a slot 1\): block 0x[0-9a-f]+ \(200 bytes\) overlaps live block of slot 0 at 0x[0-9a-f]+ \(100 bytes\)/)
    })

    it("a clobbered byte of a live block: found when that block is freed, naming the byte", async () => {
        const h = new Broken("clobber", 3)
        const e = await replayError(h, three)
        // The third alloc zeroed the first byte of block 1 (slot 1), which op 3 reallocates.
        expect(e.op).toBe(3)
        expect(e.message).toMatch(/^op 3 \(r slot 1\): before realloc, block 0x[0-9a-f]+ \(200 bytes\): byte 0 \(0x[0-9a-f]+\) is 0x0, expected 0x/)
    })

    it("a clobbered byte in the middle of a block is found by the interior samples", async () => {
        // Byte 68 = 4 + 64, the second sampled interior byte of a 1,000-byte block.
        const t = trace("mid", ["a 0 1000", "a 1 8", "f 0", "f 1"], 2)
        const e = await replayError(new Broken("clobber68", 2), t)
        expect(e.op).toBe(2)
        expect(e.message).toMatch(/^op 2 \(f slot 0\): before free, block 0x[0-9a-f]+ \(1000 bytes\): byte 68 \(0x[0-9a-f]+\) is 0x0, expected 0x/)
    })

    it("a realloc that loses the kept prefix", async () => {
        const e = await replayError(new Broken("lose", 1), three)
        expect(e.op).toBe(3)
        expect(e.message).toMatch(/^op 3 \(r slot 1\): after realloc from 0x[0-9a-f]+ \(200 bytes\), kept prefix of block 0x[0-9a-f]+ \(200 bytes\): byte 0 .* is 0xee/)
    })

    it("a misaligned pointer", async () => {
        const e = await replayError(new Broken("misalign", 2), three)
        expect(e.op).toBe(1)
        expect(e.message).toMatch(/^op 1 \(a slot 1\): 0x[0-9a-f]+ \(200 bytes\) is not aligned to 8/)
    })

    it("a pointer outside the region", async () => {
        const e = await replayError(new Broken("outside", 3), three)
        expect(e.op).toBe(2)
        expect(e.message).toMatch(/^op 2 \(a slot 2\): 0x20024000 \(300 bytes\) is outside the region 0x20020000..0x20024000/)
    })

    it("a HeapError from the allocator", async () => {
        const e = await replayError(new Broken("throw", 2), three)
        expect(e.op).toBe(5)
        expect(e.message).toMatch(/^op 5 \(f slot 1\): the allocator threw double-free: pretend double free/)
    })
})

describe("failed allocations", () => {
    it("stopOnFailure ends at the first failure on a too-small region", async () => {
        const opts = new ReplayOptions()
        opts.stopOnFailure = true
        const r = await replay(makeAllocator("tlsf", new StaticRegion(0x20020000, 4096)), mcuTrace("coalescing-bal"), opts)
        expect(r.failures).toBe(1)
        expect(r.firstFailure).toBe(0)
        expect(r.ops).toBe(1)
    })

    it("without stopOnFailure, failures are counted and the failed slot's later ops skipped", async () => {
        // 3,000 bytes fit 4 KiB once; the second 3,000 fails; its realloc and free are skipped.
        const t = trace("fail", ["a 0 3000", "a 1 3000", "r 1 10", "f 1", "a 2 8", "f 2", "f 0"], 3)
        const r = await replay(makeAllocator("tlsf", new StaticRegion(0x20020000, 4096)), t)
        expect(r.failures).toBe(1)
        expect(r.firstFailure).toBe(1)
        expect(r.skipped).toBe(2)
        expect(r.ops).toBe(7)
        expect(r.allocs).toBe(3)
        expect(r.reallocs).toBe(0)
        expect(r.frees).toBe(2)
        expect(r.peakPayload).toBe(3008)
    })

    it("a failed realloc keeps the old block, which is still verified and freed", async () => {
        const t = trace("rfail", ["a 0 1000", "r 0 9000", "f 0"], 1)
        const r = await replay(makeAllocator("tlsf", new StaticRegion(0x20020000, 4096)), t)
        expect(r.failures).toBe(1)
        expect(r.firstFailure).toBe(1)
        expect(r.frees).toBe(1)
        expect(r.peakPayload).toBe(1000)
    })
})

describe("host board: large regions", () => {
    afterEach(() => _simAllowLargeBuffers(0))

    it("the default limit still refuses a 0xE000-byte Buffer", () => {
        expect(() => DsBuffer.alloc(0xe000)).toThrow(RangeError)
        expect(DsBuffer.alloc(0xdfff).length).toBe(0xdfff)
        expect(() => StaticRegion.forBoard(HOST)).toThrow(RangeError)
    })

    it("after _simAllowLargeBuffers(HOST.maxRegion), StaticRegion.forBoard(HOST) works; ≤ 0xE000 restores the limit", () => {
        _simAllowLargeBuffers(HOST.maxRegion)
        const r = StaticRegion.forBoard(HOST)
        expect(r.size).toBe(HOST.heap.size)
        expect(new StaticRegion(HOST.heap.base, HOST.maxRegion, HOST.maxRegion).size).toBe(16 * 1024 * 1024)
        expect(() => DsBuffer.alloc(HOST.maxRegion + 1)).toThrow(RangeError)
        _simAllowLargeBuffers(0)
        expect(() => DsBuffer.alloc(0xe000)).toThrow(RangeError)
    })

    it("real boards still refuse regions above their limit with large Buffers allowed", () => {
        _simAllowLargeBuffers(HOST.maxRegion)
        for (const board of [PICO, ESP32S2]) {
            const e = (() => {
                try {
                    new StaticRegion(board.heap.base, MAX_DEVICE_REGION + 1)
                } catch (err) {
                    return err
                }
                return null
            })()
            expect(e).toBeInstanceOf(HeapError)
            expect((e as HeapError).code).toBe(HeapErrorCode.BadArgument)
        }
    })

    it("amptjp-bal replays on the host board with buddy and tlsf, verified", async () => {
        _simAllowLargeBuffers(HOST.maxRegion)
        const t = loadTrace("amptjp-bal")
        for (const kind of ["buddy", "tlsf"]) {
            const r = await replay(makeAllocator(kind, StaticRegion.forBoard(HOST)), t)
            expect(r.failures, kind).toBe(0)
            expect(r.ops).toBe(5694)
            expect(r.peakPayload).toBe(t.peakPayload)
        }
    })

    it("tlsf replays random-bal (15 MiB peak) in a 16 MiB region", async () => {
        _simAllowLargeBuffers(HOST.maxRegion)
        const t = loadTrace("random-bal")
        const r = await replay(makeAllocator("tlsf", new StaticRegion(HOST.heap.base, HOST.maxRegion, HOST.maxRegion)), t)
        expect(r.failures).toBe(0)
        expect(r.peakPayload).toBe(t.peakPayload)
    })
})
