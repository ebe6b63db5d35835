/**
 * bench/kinds.ts — host only: the allocators the host benchmarks compare, by
 * name, and the one place that builds a fresh one over a region of n bytes.
 *
 * BENCH_KINDS is bareheap's ALLOCATOR_KINDS (buddy, bump, tlsf, pool) plus
 * "thi.ng" (@thi.ng/malloc through bench/thing.ts). Ours get a region on the
 * host board (boards/host.ts): at HOST.heap.base, any size up to HOST.maxRegion
 * (16 MiB) — beyond a device's 57,343-byte limit, which is why the bytes come
 * from a host-only Buffer (regionOver). Each allocator still enforces its
 * own limits (bump: 16 MiB; buddy/tlsf/pool: their metadata minimum).
 *
 * ```ts
 * const heap = makeBenchHeap("tlsf", 1 << 20) // a fresh TLSF over 1 MiB
 * ```
 */
import { _simBufferOver } from "@devicescript/core"
import { HOST } from "../boards/host"
import { ALLOCATOR_KINDS, makeAllocator } from "../src/allocators/registry"
import { HeapError, HeapErrorCode } from "../src/core/errors"
import { HeapAllocator } from "../src/api/global_alloc"
import { StaticRegion } from "../src/core/region"
import { regionOver } from "./region_over"
import { ThingAllocator, ThingOptions } from "./thing"

/** The peer's name in every benchmark table. */
export const THING = "thi.ng"

/** Every kind the host benchmarks run, ours first. */
export const BENCH_KINDS: string[] = ALLOCATOR_KINDS.concat([THING])

/** The largest region a host benchmark uses (the host board's limit). */
export const BENCH_MAX_REGION = HOST.maxRegion

/** A fresh zeroed region of `bytes` on the host board (HeapError(BadArgument) past HOST.maxRegion). */
export function hostRegion(bytes: number): StaticRegion {
    if (!(bytes > 0) || bytes > BENCH_MAX_REGION)
        throw new HeapError(HeapErrorCode.BadArgument, HOST.heap.base, "host region of " + bytes + " bytes: must be 1.." + BENCH_MAX_REGION)
    return regionOver(HOST.heap.base, _simBufferOver(new Uint8Array(bytes)))
}

/**
 * A fresh allocator of `kind` over `bytes` bytes (thi.ng: a pool over its own
 * ArrayBuffer of that size, `thing` its options). `region`, when given, is
 * used instead of a fresh one for our kinds (the cost counter passes a
 * counting region).
 */
export function makeBenchHeap(kind: string, bytes: number, thing?: ThingOptions, region?: StaticRegion): HeapAllocator {
    if (kind === THING) {
        if (bytes > BENCH_MAX_REGION)
            throw new HeapError(HeapErrorCode.BadArgument, HOST.heap.base, "thi.ng pool of " + bytes + " bytes: must be ≤ " + BENCH_MAX_REGION)
        return new ThingAllocator(HOST.heap.base, bytes, thing)
    }
    return makeAllocator(kind, region === undefined ? hostRegion(bytes) : region)
}
