/**
 * bench/footprint.ts — host only: the smallest region (in 256-byte steps) on
 * which an allocator serves a whole trace with no failed allocation, the
 * utilization that gives, and the failure count at a fixed region size.
 *
 * Definitions (as the lab's, ../shared/traces/README.md, with a finer step):
 *   footprint   smallest S, a multiple of FOOTPRINT_STEP = 256 bytes, such that a
 *               fresh allocator over S bytes replays the trace with 0 failures
 *               (the region is the whole cost: metadata included);
 *   utilization peakPayload / footprint (peak of the live requested bytes);
 *   > 16 MiB    when even HOST.maxRegion (16 MiB, boards/host.ts) fails: the
 *               result has `fits` false and footprint −1.
 *   For thi.ng the "region" is the pool's ArrayBuffer of S bytes (its state
 *   words included), with the realloc leak fixed unless `thing` says otherwise.
 *
 * Search: probes replay with verify OFF and stopOnFailure (a probe only needs
 *   yes/no). Sizes below the peak payload cannot work (every allocator has
 *   metadata), so the search starts at the first step above it and doubles
 *   until a size works (or 16 MiB fails), then bisects between the last
 *   failing and the first working size to a 256-byte gap. A constructor that
 *   refuses a size (a region too small for its metadata) is a failing probe.
 * Monotonicity: success is NOT guaranteed to be monotonic in the region size
 *   for our allocators: the buddy arena, TLSF's first-level count and the
 *   pool's page count all change with the size, and so do the placement
 *   decisions. So after the bisection the search also probes the SCAN_BELOW
 *   (4) steps below the found size; if one of them works, the smallest working
 *   one is the footprint and `monotonic` is false (with the sizes in
 *   `nonMonotonic`). A hole further down than that is not searched for.
 * Confirmation: the found size is replayed once more with verify ON (payload
 *   patterns checked on every realloc and free) and must show 0 failures.
 * Costs: ≈ log2(16 MiB / peak) + log2(steps) + 5 replays per trace × kind
 *   (8–24 probes measured; a failing probe stops at its first failure).
 *   All 13 malloc-lab traces × 5 kinds, with failuresAt at both sizes: 13 s
 *   on one core of a 2-core x86-64 (Node 20); success was monotonic within
 *   the scanned steps in all 65 searches.
 *
 * ```ts
 * const f = await footprint("tlsf", loadTrace("short1-bal"))
 * console.log(f.footprint, f.utilization) // 11008, 0.74
 * const n = await failuresAt("buddy", loadTrace("coalescing-bal"), 65536)
 * ```
 */
import { EncodedTrace, ReplayOptions, ReplayResult, replay } from "./replay"
import { BENCH_MAX_REGION, makeBenchHeap } from "./kinds"
import { ThingOptions } from "./thing"
import { HeapAllocator } from "../src/api/global_alloc"

/** The footprint search's step. */
export const FOOTPRINT_STEP = 256
/** Steps below the bisection's answer that are probed for a non-monotonic success. */
export const SCAN_BELOW = 4

/** What footprint() found. */
export class Footprint {
    /** Smallest working region in bytes, −1 when even BENCH_MAX_REGION fails. */
    footprint = -1
    /** footprint ≤ BENCH_MAX_REGION. */
    fits = false
    /** peakPayload / footprint (0 when it does not fit). */
    utilization = 0
    /** Replays run (probes + the confirmation). */
    probes = 0
    /** False when a size below a failing one worked (see the header). */
    monotonic = true
    /** Working sizes found below the bisection's answer. */
    nonMonotonic: number[] = []
    /** Wall time of the whole search, ms. */
    ms = 0
    constructor(public kind: string, public trace: string, public peakPayload: number) {}

    /** "123456" or "> 16 MiB". */
    text(): string {
        return this.fits ? String(this.footprint) : "> " + BENCH_MAX_REGION / 1048576 + " MiB"
    }
}

/** A fresh allocator of kind over bytes, or null when its constructor refuses the size. */
function freshHeap(kind: string, bytes: number, thing?: ThingOptions): HeapAllocator {
    try {
        return makeBenchHeap(kind, bytes, thing)
    } catch (e) {
        return null
    }
}

/** One replay; null when the allocator cannot be built at that size. */
async function run(kind: string, trace: EncodedTrace, bytes: number, verify: boolean, stopOnFailure: boolean, thing?: ThingOptions): Promise<ReplayResult> {
    const heap = freshHeap(kind, bytes, thing)
    if (heap === null) return null
    const o = new ReplayOptions()
    o.verify = verify
    o.stopOnFailure = stopOnFailure
    return replay(heap, trace, o)
}

/** True when a fresh allocator over `bytes` serves the whole trace (verify off). */
export async function servesTrace(kind: string, trace: EncodedTrace, bytes: number, thing?: ThingOptions): Promise<boolean> {
    const r = await run(kind, trace, bytes, false, true, thing)
    return r !== null && r.failures === 0
}

/** The footprint of `kind` on `trace` (see the file header). */
export async function footprint(kind: string, trace: EncodedTrace, thing?: ThingOptions): Promise<Footprint> {
    const t0 = Date.now()
    const f = new Footprint(kind, trace.name, trace.peakPayload)
    const step = FOOTPRINT_STEP
    const probe = async (bytes: number): Promise<boolean> => {
        f.probes++
        return servesTrace(kind, trace, bytes, thing)
    }
    // lo: a size known (or, below the peak payload, bound) to fail; hi: the first known to work.
    let lo = Math.floor(trace.peakPayload / step) * step
    let hi = lo + step
    while (!(await probe(hi))) {
        lo = hi
        if (hi >= BENCH_MAX_REGION) {
            f.ms = Date.now() - t0
            return f
        }
        hi = Math.min(BENCH_MAX_REGION, Math.ceil((hi * 2) / step) * step)
    }
    while (hi - lo > step) {
        const mid = lo + Math.floor((hi - lo) / step / 2) * step
        if (await probe(mid)) hi = mid
        else lo = mid
    }
    for (let k = 2; k <= SCAN_BELOW + 1; k++) {
        const s = hi - k * step
        if (s < trace.peakPayload) break
        if (await probe(s)) f.nonMonotonic.push(s)
    }
    if (f.nonMonotonic.length > 0) {
        f.monotonic = false
        hi = f.nonMonotonic[f.nonMonotonic.length - 1]
    }
    f.probes++
    const confirm = await run(kind, trace, hi, true, false, thing)
    if (confirm === null || confirm.failures !== 0)
        throw new Error("footprint " + kind + " on " + trace.name + ": " + hi + " bytes worked without verify but failed with it (" + (confirm === null ? "no allocator" : confirm.failures + " failures") + ")")
    f.footprint = hi
    f.fits = true
    f.utilization = trace.peakPayload / hi
    f.ms = Date.now() - t0
    return f
}

/** Failed allocations of one full replay (verify on) on a fresh `kind` over `bytes`; −1 when it cannot be built at that size. */
export async function failuresAt(kind: string, trace: EncodedTrace, bytes: number, thing?: ThingOptions): Promise<number> {
    const r = await run(kind, trace, bytes, true, false, thing)
    return r === null ? -1 : r.failures
}

/** The fixed sizes failures are reported at: 64 KiB and 1.25 × peak payload rounded up to 256. */
export function failureSizes(trace: EncodedTrace): number[] {
    return [65536, Math.ceil((1.25 * trace.peakPayload) / FOOTPRINT_STEP) * FOOTPRINT_STEP]
}
