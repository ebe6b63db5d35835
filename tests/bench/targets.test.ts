// bench/targets.ts: issue 14's targets judged from a run's numbers (made up
// here, so each verdict is known): realloc share, footprint met/missed, host
// ratios, VM net ratios.
import { describe, expect, it } from "vitest"
import { Footprint } from "../../bench/footprint"
import { SpeedResult, SpeedRow } from "../../bench/host_speed"
import { reallocShare, targetLines } from "../../bench/targets"
import { encodeTrace } from "../../bench/trace/encode"
import { parseTrace } from "../../bench/trace/rep"
import { VmSpeedResult } from "../../bench/vm_speed"

const trace = encodeTrace(parseTrace("t", "0\n2\n5\n1\na 0 8\nr 0 16\nr 0 24\na 1 8\nf 0\n"))

function fp(kind: string, bytes: number): Footprint {
    const f = new Footprint(kind, "t", 8)
    f.fits = true
    f.footprint = bytes
    return f
}

function row(name: string, ours: number, thing: number): SpeedRow {
    const mk = (k: string, x: number) => {
        const r = new SpeedResult(k, name, 65536)
        r.opsPerSec.push(x)
        return r
    }
    return new SpeedRow(name, [mk("tlsf", ours), mk("bestfit", ours * 3), mk("thi.ng", thing)])
}

describe("issue 14 targets", () => {
    it("reallocShare counts realloc ops", () => {
        expect(reallocShare(trace)).toBeCloseTo(2 / 5, 6)
    })

    it("footprint: met at or below the best of the four and 10 % below tlsf, else missed naming why", () => {
        const sizes: Record<string, number> = { buddy: 1024, bump: 1280, tlsf: 1280, pool: 1536, bestfit: 1024 }
        let lines = targetLines(["t"], (_, k) => fp(k, sizes[k]), () => trace, [], null).join("\n")
        expect(lines).toContain("| t | 40.0 % | 1024 | 1024 (buddy) | +0.0 % | 1280 | -20.0 % | met |")
        sizes["bestfit"] = 1280
        lines = targetLines(["t"], (_, k) => fp(k, sizes[k]), () => trace, [], null).join("\n")
        expect(lines).toContain("missed: above buddy; not 10 % below tlsf (realloc ≥ 5 %)")
        expect(lines).toContain("1 of 1 traces miss a footprint target.")
    })

    it("host: geometric mean and the traces below 1.0×", () => {
        const lines = targetLines([], () => undefined as unknown as Footprint, () => trace, [row("a", 1, 2), row("b", 32, 1)], null).join("\n")
        expect(lines).toContain("- tlsf: geometric mean 4.00× over 2 traces (target ≥ 2×: met); below 1.0× on 1: a 0.50×")
        expect(lines).toContain("- bestfit: geometric mean 12.00× over 2 traces (target ≥ 2×: met); below 1.0× on 0: none")
    })

    it("VM: net ratio and slowest class over the median, for tlsf, buddy and bestfit only", () => {
        const kind = (k: string, netMedianUs: number, netWorstUs: number, netRatioMax: number) => ({ kind: k, medianUs: 0, worstUs: 0, worstSize: 8, worstOverMedian: 0, ratioMedian: 0, ratioMax: 0, netMedianUs, netWorstUs, netWorstSize: 8, netRatioMedian: netRatioMax, netRatioMax })
        const vm = { kinds: [kind("tlsf", 10, 30, 60), kind("bump", 1, 1, 1), kind("bestfit", 2, 3, 8)] } as unknown as VmSpeedResult
        const lines = targetLines([], () => undefined as unknown as Footprint, () => trace, [], vm).join("\n")
        expect(lines).toContain("- tlsf: net pair 60.0× Buffer.alloc at the median class, 60.0× at most (target ≤ 10×: missed); slowest class 3.00× the median (target ≤ 2×: missed)")
        expect(lines).toContain("- bestfit: net pair 8.0× Buffer.alloc at the median class, 8.0× at most (target ≤ 10×: met); slowest class 1.50× the median (target ≤ 2×: met)")
        expect(lines).not.toContain("- bump")
    })
})
