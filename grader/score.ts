/**
 * grader/score.ts — the score, CS:APP malloc lab's way: correctness is a gate,
 * then 0.6 × utilization + 0.4 × throughput, each relative to the project's
 * reference allocators measured in the same run. Portable arithmetic, no I/O.
 *
 *   U   = mean over the traces of peakPayload / footprint (grader/footprint.ts:
 *         the peak of live requested bytes over the smallest region, in
 *         256-byte steps up to the board's 32 KiB, that serves the trace with
 *         no failed allocation); a trace that does not fit counts 0, as in
 *         bench/run.ts
 *   T   = trace ops per second over all traces, payload checks off
 *   U_ref, T_ref = the lowest U and T among the reference allocators
 *         (so every reference itself scores 100)
 *   score = 0 unless every correctness item passed, else
 *           100 × (0.6 × min(1, U / U_ref) + 0.4 × min(1, T / (0.8 × T_ref)))
 * The 0.8 allows for timing noise on a shared machine: a reference graded
 * against itself measures 1.0 ± ~10 %.
 */

export const FORMULA =
    "score = 0 unless every correctness item passes; else 100 × (0.6 × min(1, U / U_ref) + 0.4 × min(1, T / (0.8 × T_ref))), " +
    "U = mean over traces of peak live payload / footprint (the smallest region, in 256-byte steps up to 32 KiB, that serves the trace with no failed allocation; 0 if none does), " +
    "T = trace ops per second with payload checks off, U_ref and T_ref = the lowest U and T among the reference allocators in the same run"

/** One allocator's measured utilization and throughput. */
export class Measured {
    constructor(public name: string, public util: number, public opsPerSec: number) {}
}

export class Score {
    util = 0
    utilRef = 0
    opsPerSec = 0
    opsPerSecRef = 0
    /** 0..60 */
    utilPoints = 0
    /** 0..40 */
    speedPoints = 0
    /** 0..100, rounded to 0.1 */
    total = 0
}

/** The mean of per-trace utilizations (0 for none). */
export function meanUtil(utils: number[]): number {
    let sum = 0
    for (const u of utils) sum += u
    return utils.length === 0 ? 0 : sum / utils.length
}

/** The score of `m` against `refs` (correct: the gate). */
export function score(correct: boolean, m: Measured, refs: Measured[]): Score {
    const s = new Score()
    s.util = m.util
    s.opsPerSec = m.opsPerSec
    s.utilRef = refs.length === 0 ? 1 : refs[0].util
    s.opsPerSecRef = refs.length === 0 ? 1 : refs[0].opsPerSec
    for (const r of refs) {
        if (r.util < s.utilRef) s.utilRef = r.util
        if (r.opsPerSec < s.opsPerSecRef) s.opsPerSecRef = r.opsPerSec
    }
    if (!correct) return s
    const u = s.utilRef > 0 ? Math.min(1, m.util / s.utilRef) : 1
    const t = s.opsPerSecRef > 0 ? Math.min(1, m.opsPerSec / (0.8 * s.opsPerSecRef)) : 1
    s.utilPoints = Math.round(600 * u) / 10
    s.speedPoints = Math.round(400 * t) / 10
    s.total = Math.round(10 * (s.utilPoints + s.speedPoints)) / 10
    return s
}
