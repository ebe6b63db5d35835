/**
 * tests/fuzz/shadow.ts — the host fuzzer: random operations (tests/fuzz/ops.ts)
 * against any HeapAllocator, checked by a shadow model written without
 * looking at the allocators' metadata: it sees only pointers, the region's
 * bytes and stats().
 *
 * Shadow state (host typed arrays over the region's bytes):
 *   owner[off]  id of the live block holding region byte off, 0 = none
 *               (a size-0 block owns its one byte: the GlobalAlloc rule);
 *   blocks      ptr, size, align, id per live block (swap-remove arrays).
 * A block's byte i holds pattern(id, i); ids are never reused.
 *
 * Checked, and thrown as FuzzFailure naming the seed and op number:
 *   every returned pointer is aligned and [p, p + max(size, 1)) is inside
 *   the region and owned by nobody (no overlap); allocZeroed bytes read 0;
 *   a block's pattern is intact when it is freed or reallocated (a stray
 *   write from a neighbour shows here); realloc keeps the first min(old, new)
 *   bytes and, when it fails, leaves the block valid and unchanged; every
 *   CHECK_EVERY ops and at the end: check() is clean, every live block's
 *   pattern is intact, stats() agree with the live set (liveBlocks,
 *   requested, inUse + free = capacity), and — where the allocator
 *   promises it (stats.ts: "the largest single request (align 1) that would
 *   succeed now", PROMISES_LARGEST) — alloc of exactly largestFree succeeds;
 *   and no valid operation throws.
 *
 * Cost: O(size) per operation for patterns and ownership, O(live bytes +
 * blocks) every CHECK_EVERY ops. Measured numbers: see the fuzz test output
 * and bench/fuzz.md.
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { MAX_DEVICE_REGION } from "../../src/core/region"
import { Rng } from "../contract/check"
import { drawAlign, drawOp, drawSize, OP_ALLOC, OP_DEALLOC, OP_REALLOC, OP_ZEROED } from "./ops"

/** Operations per allocator kind per CI run (issue 9: at least 10^6; tests/fuzz/suite.ts). */
export const FUZZ_OPS_PER_KIND = 1_000_000

/** The two region sizes every kind is fuzzed on: the Pico's and the largest device region. */
export const FUZZ_REGIONS = [32768, MAX_DEVICE_REGION]

/** check(), full pattern scan, stats and the largestFree probe run every this many ops. */
export const CHECK_EVERY = 10_000

/**
 * Which allocator kinds promise that a request of exactly largestFree
 * (align 1) succeeds: all of them (stats.ts defines largestFree that way);
 * a kind added later that cannot promise it (e.g. a size-segregated cache
 * whose largestFree is an estimate) says so here.
 */
export const PROMISES_LARGEST: Record<string, boolean> = { buddy: true, bump: true, tlsf: true, pool: true }

export class FuzzFailure extends Error {
    constructor(message: string) {
        super(message)
        this.name = "FuzzFailure"
    }
}

export interface FuzzResult {
    ops: number
    failedRequests: number
    checks: number
    largestProbes: number
    peakLive: number
    ms: number
}

function pattern(id: number, i: number): number {
    return (id * 167 + i * 13 + (i >>> 8)) & 0xff
}

/** The Uint8Array behind a region's ds.Buffer (the sim shim's; host only). */
export function regionBytes(heap: HeapAllocator): Uint8Array {
    return (heap.region.buf as unknown as { bytes: Uint8Array }).bytes
}

/**
 * Runs `ops` random operations with `seed` on heap and checks everything
 * above; frees every block at the end. `kind` selects PROMISES_LARGEST.
 */
export function fuzz(heap: HeapAllocator, kind: string, seed: number, ops: number): FuzzResult {
    const t0 = performance.now()
    const r = new Rng(seed)
    const base = heap.region.base
    const rsize = heap.region.size
    const mem = regionBytes(heap)
    const owner = new Int32Array(rsize)
    const ptrs: number[] = []
    const sizes: number[] = []
    const aligns: number[] = []
    const ids: number[] = []
    let nextId = 1
    let failed = 0
    let checks = 0
    let probes = 0
    let peakLive = 0
    let requested = 0
    let n = 0
    const fail = (what: string): never => {
        throw new FuzzFailure(`${heap.kind} (${kind}), seed ${seed}, op ${n}: ${what}`)
    }
    /** Claims [p, p + max(size, 1)) for id after the in-region, alignment and overlap checks. */
    const claim = (p: number, size: number, align: number, id: number, what: string) => {
        const off = p - base
        const span = size === 0 ? 1 : size
        if (!(off >= 0 && off + span <= rsize) || off !== Math.floor(off)) fail(`${what} returned ${ptrText(p)} (${size} bytes), outside the region`)
        if (off % align !== 0) fail(`${what} returned ${ptrText(p)}, not aligned to ${align}`)
        for (let i = 0; i < span; i++) if (owner[off + i] !== 0) fail(`${what} returned ${ptrText(p)} (${size} bytes), whose byte ${i} belongs to live block #${owner[off + i]}: overlap`)
        owner.fill(id, off, off + span)
    }
    const release = (p: number, size: number) => {
        const off = p - base
        owner.fill(0, off, off + (size === 0 ? 1 : size))
    }
    const expectIntact = (k: number, what: string) => {
        const off = ptrs[k] - base
        const id = ids[k]
        for (let i = 0; i < sizes[k]; i++)
            if (mem[off + i] !== pattern(id, i)) fail(`${what}: block #${id} at ${ptrText(ptrs[k])} (${sizes[k]} bytes): byte ${i} is ${mem[off + i]}, expected ${pattern(id, i)}`)
    }
    const writePattern = (p: number, id: number, from: number, to: number) => {
        const off = p - base
        for (let i = from; i < to; i++) mem[off + i] = pattern(id, i)
    }
    const audit = () => {
        checks++
        const problems = heap.check()
        if (problems.length > 0) fail("check(): " + problems.slice(0, 3).join("; "))
        for (let k = 0; k < ptrs.length; k++) expectIntact(k, "audit")
        const s = heap.stats()
        if (s.liveBlocks !== ptrs.length) fail(`stats().liveBlocks ${s.liveBlocks}, the shadow has ${ptrs.length} live blocks`)
        if (s.requested !== requested) fail(`stats().requested ${s.requested}, the shadow's live sizes sum to ${requested}`)
        if (s.inUse + s.free !== s.capacity) fail(`stats(): inUse ${s.inUse} + free ${s.free} ≠ capacity ${s.capacity}`)
        if (PROMISES_LARGEST[kind] && s.largestFree > 0) {
            probes++
            const l = new Layout(s.largestFree, 1)
            const p = heap.alloc(l)
            if (p === 0) fail(`alloc of exactly largestFree (${s.largestFree} bytes, align 1) failed`)
            claim(p, s.largestFree, 1, -1, "alloc(largestFree)")
            heap.dealloc(p, l)
            release(p, s.largestFree)
        }
    }
    try {
        run()
    } catch (e) {
        // A valid operation never throws: anything but the shadow's own finding is one too.
        if (e instanceof FuzzFailure) throw e
        fail(`the allocator threw during a valid operation: ${e instanceof Error ? e.name + ": " + e.message : String(e)}`)
    }
    return { ops, failedRequests: failed, checks, largestProbes: probes, peakLive, ms: performance.now() - t0 }

    function run(): void {
        for (n = 0; n < ops; n++) {
            if (n % CHECK_EVERY === 0) audit()
            const op = drawOp(r, ptrs.length)
            if (op === OP_ALLOC || op === OP_ZEROED) {
                const size = drawSize(r)
                const align = drawAlign(r)
                const l = new Layout(size, align)
                const p = op === OP_ALLOC ? heap.alloc(l) : heap.allocZeroed(l)
                if (p === 0) {
                    failed++
                    continue
                }
                const id = nextId++
                claim(p, size, align, id, op === OP_ALLOC ? "alloc" : "allocZeroed")
                if (op === OP_ZEROED) for (let i = 0; i < size; i++) if (mem[p - base + i] !== 0) fail(`allocZeroed returned ${ptrText(p)} whose byte ${i} is ${mem[p - base + i]}`)
                writePattern(p, id, 0, size)
                ptrs.push(p)
                sizes.push(size)
                aligns.push(align)
                ids.push(id)
                requested += size
                if (ptrs.length > peakLive) peakLive = ptrs.length
                continue
            }
            const k = r.below(ptrs.length)
            const p = ptrs[k]
            const l = new Layout(sizes[k], aligns[k])
            expectIntact(k, op === OP_DEALLOC ? "before dealloc" : "before realloc")
            if (op === OP_DEALLOC) {
                heap.dealloc(p, l)
                release(p, sizes[k])
                requested -= sizes[k]
                const last = ptrs.length - 1
                ptrs[k] = ptrs[last]
                sizes[k] = sizes[last]
                aligns[k] = aligns[last]
                ids[k] = ids[last]
                ptrs.pop()
                sizes.pop()
                aligns.pop()
                ids.pop()
                continue
            }
            const size = drawSize(r)
            const q = heap.realloc(p, l, size)
            if (q === 0) {
                failed++
                expectIntact(k, "after a failed realloc")
                continue
            }
            release(p, sizes[k])
            claim(q, size, aligns[k], ids[k], "realloc")
            const keep = Math.min(size, sizes[k])
            for (let i = 0; i < keep; i++) if (mem[q - base + i] !== pattern(ids[k], i)) fail(`realloc ${ptrText(p)} → ${ptrText(q)} (${sizes[k]} → ${size} bytes): byte ${i} of the kept prefix is ${mem[q - base + i]}, expected ${pattern(ids[k], i)}`)
            writePattern(q, ids[k], keep, size)
            requested += size - sizes[k]
            ptrs[k] = q
            sizes[k] = size
        }
        audit()
        while (ptrs.length > 0) {
            const k = ptrs.length - 1
            expectIntact(k, "before the final dealloc")
            heap.dealloc(ptrs[k], new Layout(sizes[k], aligns[k]))
            release(ptrs[k], sizes[k])
            requested -= sizes[k]
            ptrs.pop()
            sizes.pop()
            aligns.pop()
            ids.pop()
        }
        audit()
    }
}

/** The run's seed: BAREHEAP_FUZZ_SEED (decimal or 0x hex) or `fallback`. */
export function fuzzSeed(fallback: number): number {
    const env = process.env["BAREHEAP_FUZZ_SEED"]
    if (env === undefined || env === "") return fallback
    const v = Number(env)
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`BAREHEAP_FUZZ_SEED=${JSON.stringify(env)} must be a whole number 0..0xffffffff`)
    return v
}
