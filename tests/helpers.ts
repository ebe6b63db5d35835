/**
 * tests/helpers.ts — shared mechanics of the host test suites: payload
 * patterns written into blocks and checked later, so that any overlap,
 * clobbering or lost copy shows up as a wrong byte.
 */
import { HeapAllocator } from "../src/global_alloc"
import { ptrText } from "../src/hex"

/** The byte a block with this seed holds at index i. */
export function patternByte(seed: number, i: number): number {
    return (seed * 31 + i * 7 + 1) & 0xff
}

/** Writes the seed's pattern into [ptr, ptr + len). */
export function fillPattern(heap: HeapAllocator, ptr: number, len: number, seed: number): void {
    const r = heap.region
    const off = ptr - r.base
    for (let i = 0; i < len; i++) r.buf.setAt(off + i, "u8", patternByte(seed, i))
}

/** Throws naming the first byte in [ptr, ptr + len) that does not hold the seed's pattern. */
export function expectPattern(heap: HeapAllocator, ptr: number, len: number, seed: number, what = "block"): void {
    const r = heap.region
    const off = ptr - r.base
    for (let i = 0; i < len; i++) {
        const got = r.buf.getAt(off + i, "u8")
        const want = patternByte(seed, i)
        if (got !== want)
            throw new Error(`${what} at ${ptrText(ptr)}: byte ${i} is ${got}, expected ${want} (seed ${seed}, ${len} bytes)`)
    }
}

/** Throws unless every invariant of the heap holds. */
export function expectConsistent(heap: HeapAllocator, after: string): void {
    const problems = heap.check()
    if (problems.length > 0) throw new Error(`${heap.kind} heap inconsistent after ${after}:\n  ` + problems.join("\n  "))
}

/** Deterministic pseudo-random numbers (xorshift32) for workloads outside fast-check. */
export function rng(seed: number): () => number {
    let s = seed >>> 0 || 1
    return () => {
        s ^= s << 13
        s >>>= 0
        s ^= s >>> 17
        s ^= s << 5
        s >>>= 0
        return s / 0x100000000
    }
}
