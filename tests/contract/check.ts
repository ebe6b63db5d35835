/**
 * tests/contract/check.ts — portable test mechanics shared by the host suites
 * (vitest) and the in-VM self-tests (@devicescript/test): assertions that
 * throw an Error with a specific message, payload patterns written into
 * blocks and checked later, and a deterministic random generator.
 *
 * Portable means: compiles under devs and tsc, uses only ds.Buffer access,
 * and yields (`await ds.sleep(0)`) during long byte loops so a VM fiber stays
 * far below the 131,072-opcode limit.
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode, heapErrorName } from "../../src/core/errors"
import { HeapAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"

/** Throws `Error(message)` unless cond holds. */
export function assert(cond: boolean, message: string): void {
    if (!cond) throw new Error(message)
}

/** Throws unless a === b, naming both. */
export function assertEq(a: number, b: number, what: string): void {
    if (a !== b) throw new Error(what + ": got " + a + ", expected " + b)
}

/** Runs f and returns what it threw (null if nothing). */
export function thrown(f: () => void): any {
    try {
        f()
    } catch (e) {
        return e
    }
    return null
}

/**
 * Throws unless e is a HeapError with `code` whose message names `ptr`
 * (ptr 0: the error concerns no particular block, so no pointer is required).
 */
export function expectHeapError(e: any, code: HeapErrorCode, ptr: number, what: string): void {
    assert(e instanceof HeapError, what + ": expected HeapError " + heapErrorName(code) + ", got " + (e === null ? "no error" : "" + e))
    const h = e as HeapError
    assert(h.code === code, what + ": expected " + heapErrorName(code) + ", got " + h.message)
    assert(ptr === 0 || h.message.indexOf(ptrText(ptr)) >= 0, what + ": message does not name " + ptrText(ptr) + ": " + h.message)
}

/**
 * Work since the last yield, in bytes of pattern loop (~16 VM opcodes each);
 * every pattern call also counts 64 for the allocator call around it. A
 * yield every 2,000 keeps a slice near 40,000 opcodes, a third of the limit.
 */
let work = 0

/** Records `bytes` of work and yields once enough has piled up. */
export async function tick(bytes: number): Promise<void> {
    work += bytes + 64
    if (work > 2000) {
        work = 0
        await ds.sleep(0)
    }
}

/** Yields now: call before a check() that walks the whole heap, which needs most of a VM slice. */
export async function settle(): Promise<void> {
    work = 0
    await ds.sleep(0)
}

/** The byte a block with this seed holds at index i. */
export function patternByte(seed: number, i: number): number {
    return (seed * 31 + i * 7 + 1) & 0xff
}

/** Writes the seed's pattern into [ptr, ptr + len). */
export async function fillPattern(heap: HeapAllocator, ptr: number, len: number, seed: number): Promise<void> {
    // A zero-size block's bytes need no routing (its pointer may even lie outside the region).
    const buf = len === 0 ? null : heap.region.bufferOf(ptr, len)
    const off = len === 0 ? 0 : heap.region.offsetOf(ptr, len)
    for (let i = 0; i < len; i++) buf.setAt(off + i, "u8", (seed * 31 + i * 7 + 1) & 0xff)
    await tick(len)
}

/** Throws naming the first byte of [ptr, ptr + len) that lost the seed's pattern. */
export async function expectPattern(heap: HeapAllocator, ptr: number, len: number, seed: number, what: string): Promise<void> {
    const buf = len === 0 ? null : heap.region.bufferOf(ptr, len)
    const off = len === 0 ? 0 : heap.region.offsetOf(ptr, len)
    for (let i = 0; i < len; i++) {
        const got = buf.getAt(off + i, "u8")
        const want = (seed * 31 + i * 7 + 1) & 0xff
        if (got !== want) throw new Error(what + " at " + ptrText(ptr) + ": byte " + i + " is " + got + ", expected " + want)
    }
    await tick(len)
}

/**
 * The raw byte at ptr, read from the Buffer that holds it (bufferOf +
 * offsetOf), so it works on every kind: one region's Buffer, a multi heap's
 * part, or a system block's own Buffer.
 */
export function rawByte(heap: HeapAllocator, ptr: number): number {
    return heap.region.bufferOf(ptr, 1).getAt(heap.region.offsetOf(ptr, 1), "u8")
}

/** Throws unless every invariant of the heap holds. */
export function expectConsistent(heap: HeapAllocator, after: string): void {
    const problems = heap.check()
    if (problems.length > 0) throw new Error(heap.kind + " heap inconsistent after " + after + ": " + problems.join("; "))
}

/** Deterministic pseudo-random numbers in [0, 1) (xorshift32). */
export class Rng {
    private s: number
    constructor(seed: number) {
        this.s = seed >>> 0 === 0 ? 1 : seed >>> 0
    }
    next(): number {
        let s = this.s
        s = (s ^ (s << 13)) >>> 0
        s = (s ^ (s >>> 17)) >>> 0
        s = (s ^ (s << 5)) >>> 0
        this.s = s
        return s / 4294967296
    }
    /** A whole number in [0, n). */
    below(n: number): number {
        return Math.floor(this.next() * n)
    }
}
