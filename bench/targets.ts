/**
 * bench/targets.ts — host only: the targets of issue 14, checked against the
 * numbers of one `npm run bench` run and written as one section of
 * bench/RESULTS.md (each line says met or missed, with the numbers).
 *
 *   footprint  on every MCU-sized trace (malloc-lab's coalescing, realloc2,
 *              short1, short2, the MCU windows and the recorded windows),
 *              bestfit's footprint ≤ the best of buddy, bump, tlsf and pool
 *              (tlsf as it is in this run, with its realloc into both
 *              neighbours), and ≥ 10 % below tlsf's where realloc is ≥ 5 %
 *              of the ops;
 *   host       tlsf and bestfit ≥ 1.0× @thi.ng/malloc on every trace, ≥ 2×
 *              in geometric mean;
 *   VM         tlsf, buddy and bestfit: net pair (harness subtracted) ≤ 10×
 *              Buffer.alloc of the same size; slowest class ≤ 2× the median.
 * Cost: reads what the run measured; one pass over each trace's ops.
 */
import { EncodedTrace, OP_BYTES, OP_REALLOC } from "./replay"
import { Footprint } from "./footprint"
import { geoMean, SpeedRow } from "./host_speed"
import { VmSpeedResult } from "./vm_speed"

/** The allocator issue 14 adds, and the four it is measured against. */
export const NEW_KIND = "bestfit"
export const OLD_KINDS = ["buddy", "bump", "tlsf", "pool"]

/** Share of a trace's ops that are reallocs (0..1). */
export function reallocShare(t: EncodedTrace): number {
    let n = 0
    for (let i = 0; i < t.count; i++) if (t.ops.getAt(i * OP_BYTES + 2, "u8") === OP_REALLOC) n++
    return t.count === 0 ? 0 : n / t.count
}

const pct = (x: number) => (100 * x).toFixed(1) + " %"

/**
 * The targets section (Markdown lines). `mcu`: the MCU-sized traces of the run;
 * fp(trace, kind): its footprint; trace(name): the encoded trace.
 */
export function targetLines(mcu: string[], fp: (trace: string, kind: string) => Footprint, trace: (name: string) => EncodedTrace, speed: SpeedRow[], vm: VmSpeedResult | null): string[] {
    const out: string[] = ["### Footprint (MCU-sized traces)", ""]
    out.push("| trace | realloc share | bestfit | best of the four | vs best | tlsf | vs tlsf | target |", "|---|---:|---:|---:|---:|---:|---:|---|")
    let misses = 0
    for (const name of mcu) {
        const mine = fp(name, NEW_KIND)
        if (mine === undefined) continue
        const others = OLD_KINDS.map(k => fp(name, k)).filter(f => f.fits)
        const best = others.reduce((a, b) => (b.footprint < a.footprint ? b : a))
        const tlsf = fp(name, "tlsf")
        const share = reallocShare(trace(name))
        const vsBest = mine.footprint / best.footprint - 1
        const vsTlsf = mine.footprint / tlsf.footprint - 1
        const okBest = mine.fits && mine.footprint <= best.footprint
        const okTlsf = share < 0.05 || (mine.fits && vsTlsf <= -0.1)
        if (!okBest || !okTlsf) misses++
        const why = okBest && okTlsf ? "met" : "missed: " + [okBest ? "" : "above " + best.kind, okTlsf ? "" : "not 10 % below tlsf (realloc ≥ 5 %)"].filter(s => s !== "").join("; ")
        out.push(`| ${name} | ${pct(share)} | ${mine.text()} | ${best.footprint} (${best.kind}) | ${vsBest >= 0 ? "+" : ""}${pct(vsBest)} | ${tlsf.text()} | ${vsTlsf >= 0 ? "+" : ""}${pct(vsTlsf)} | ${why} |`)
    }
    out.push("", `${misses} of ${mcu.length} traces miss a footprint target.`, "")
    out.push("### Host speed against @thi.ng/malloc", "")
    for (const kind of ["tlsf", NEW_KIND]) {
        const below = speed.filter(r => r.ratio(kind) < 1)
        const g = geoMean(speed.map(r => r.ratio(kind)))
        out.push(`- ${kind}: geometric mean ${g.toFixed(2)}× over ${speed.length} traces (target ≥ 2×: ${g >= 2 ? "met" : "missed"}); below 1.0× on ${below.length}: ${below.length === 0 ? "none" : below.map(r => r.trace + " " + r.ratio(kind).toFixed(2) + "×").join(", ")}`)
    }
    out.push("")
    if (vm !== null) {
        out.push("### VM, net of the harness", "")
        for (const k of vm.kinds.filter(k => k.kind === "tlsf" || k.kind === "buddy" || k.kind === NEW_KIND)) {
            const wm = k.netWorstUs / k.netMedianUs
            out.push(`- ${k.kind}: net pair ${k.netRatioMedian.toFixed(1)}× Buffer.alloc at the median class, ${k.netRatioMax.toFixed(1)}× at most (target ≤ 10×: ${k.netRatioMax <= 10 ? "met" : "missed"}); slowest class ${wm.toFixed(2)}× the median (target ≤ 2×: ${wm <= 2 ? "met" : "missed"})`)
        }
        out.push("")
    }
    return out
}
