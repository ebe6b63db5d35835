/**
 * grader/footprint.ts — the smallest region (in 256-byte steps, up to a
 * board's region) on which an allocator serves a whole trace with no failed
 * allocation, by any factory `make(bytes)`. Portable: the in-VM grading
 * program runs the same search on the VM's own Buffers. Utilization is the
 * trace's peak live payload / footprint (CS:APP's, as bench/footprint.ts; that
 * one searches up to 16 MiB for named kinds on the host and confirms with a
 * checked replay, which the grader has already done).
 *
 * Search: probe maxBytes first (it fails → −1, utilization 0); then bisect
 * between the last step below the peak (bound to fail) and maxBytes. Success
 * is not guaranteed to be monotonic in the size (placement changes with it):
 * the bisection answers one working size with a failing one a step below, not
 * always the very smallest. Probes replay with checks off and stop at the
 * first failure; a constructor that refuses a size is a failing probe.
 * Cost: ≤ log2(maxBytes / 256) + 1 replays (≤ 8 for 32 KiB).
 */
import { HeapAllocator } from "../src/api/global_alloc"
import { EncodedTrace, replay, ReplayOptions } from "../bench/replay"

export const STEP = 256

async function serves(make: (bytes: number) => HeapAllocator, trace: EncodedTrace, bytes: number, yieldEvery: number): Promise<boolean> {
    let heap: HeapAllocator = null
    try {
        heap = make(bytes)
    } catch (e) {
        return false
    }
    const o = new ReplayOptions()
    o.verify = false
    o.stopOnFailure = true
    o.yieldEvery = yieldEvery
    const r = await replay(heap, trace, o)
    return r.failures === 0
}

/** The footprint in bytes, or −1 when even maxBytes fails. */
export async function footprintOf(make: (bytes: number) => HeapAllocator, trace: EncodedTrace, maxBytes: number, yieldEvery: number): Promise<number> {
    if (!(await serves(make, trace, maxBytes, yieldEvery))) return -1
    let lo = Math.floor(trace.peakPayload / STEP) * STEP
    let hi = maxBytes
    while (hi - lo > STEP) {
        const mid = lo + Math.floor((hi - lo) / STEP / 2) * STEP
        if (await serves(make, trace, mid, yieldEvery)) hi = mid
        else lo = mid
    }
    return hi
}

/** peakPayload / footprint, 0 when it does not fit. */
export function utilization(peakPayload: number, footprint: number): number {
    return footprint > 0 ? peakPayload / footprint : 0
}
