/**
 * Hostile and careless input (issue 9) on the host: the portable cases of
 * tests/contract/robustness.ts and robustness_api.ts for every allocator
 * kind (the same cases run in the VM: tests/vm/selftest_robust_*.ts), plus the host-only checks that
 * need wall-clock time or many values: every formatter is total, bounded and
 * O(1) on any double, and layoutOk() agrees with Layout's constructor.
 */
import { describe, expect, test } from "vitest"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"
import { hex, ptrText, TEXT_MAX } from "../../src/core/hex"
import { Layout, LayoutError, layoutOk } from "../../src/core/layout"
import { ROBUSTNESS_CASES } from "../contract/robustness"
import { ROBUSTNESS_API_CASES } from "../contract/robustness_api"

for (const kind of HEAP_KINDS) {
    describe(`robustness: ${kind}`, () => {
        for (const c of [...ROBUSTNESS_CASES, ...ROBUSTNESS_API_CASES])
            test(c.name, async () => {
                await c.run({ name: kind, make: () => makeAllocator(kind, new StaticRegion(0x20020000, 8192)) })
            })
    })
}

/** Doubles of every kind: specials, bit patterns of random doubles, edges. */
function hostileNumbers(): number[] {
    const out = [NaN, Infinity, -Infinity, 0, -0, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** 32, 2 ** 32 - 0.5, 0x20020010 + 0.5, -1, 1e-300, 1 / 3]
    const view = new DataView(new ArrayBuffer(8))
    let s = 0x9e3779b9
    for (let i = 0; i < 20000; i++) {
        s = (s ^ (s << 13)) >>> 0
        s = (s ^ (s >>> 17)) >>> 0
        s = (s ^ (s << 5)) >>> 0
        view.setUint32(0, s)
        view.setUint32(4, Math.imul(s, 0x85ebca6b) >>> 0)
        out.push(view.getFloat64(0))
    }
    return out
}

describe("number formatters are total and bounded", () => {
    test(`hex() and ptrText() return at most TEXT_MAX (${TEXT_MAX}) characters for 20,000 hostile doubles`, () => {
        let longest = 0
        for (const n of hostileNumbers()) {
            const a = hex(n)
            const b = ptrText(n)
            longest = Math.max(longest, a.length, b.length)
            expect(a.length, `hex(${n})`).toBeLessThanOrEqual(TEXT_MAX)
            expect(b.length, `ptrText(${n})`).toBeLessThanOrEqual(TEXT_MAX)
        }
        // A formatter that loops (the old Infinity bug) never returns: vitest's test timeout fails it.
        // How long the calls take is not asserted here (timings belong in benchmarks).
        expect(longest).toBeGreaterThan(20)
    })

    test("ptrText names each kind of garbage exactly", () => {
        expect(ptrText(NaN)).toBe("NaN")
        expect(ptrText(Infinity)).toBe("Infinity")
        expect(ptrText(-Infinity)).toBe("-Infinity")
        expect(ptrText(-0)).toBe("0x0")
        expect(ptrText(-16)).toBe("-0x10")
        expect(ptrText(0x20020010 + 0.5)).toBe("0x20020010+0.5")
        expect(ptrText(2 ** 60)).toBe("1152921504606847000")
        expect(ptrText("x".repeat(1e6) as unknown as number)).toBe("(string)")
        expect(hex("x".repeat(1e6) as unknown as number)).toBe("?(string)")
        expect(hex(Infinity)).toBe("?Infinity")
    })
})

describe("layoutOk (the allocators' inline guard) agrees with Layout's constructor", () => {
    test("on every combination of hostile sizes and aligns", () => {
        const sizes = [0, 1, 7, 8, 4095, 4096, 0x7fffffff - 4095, 0x7fffffff - 4096, 0x7fffffff, 0x80000000, 2 ** 32, -1, -0, 0.5, 2.5, NaN, Infinity, -Infinity, 2 ** 53]
        const aligns = [0, 1, 2, 3, 4, 8, 16, 64, 1024, 2048, 4096, 8192, 2 ** 30, 2 ** 31, -1, -8, 0.5, 1.5, 2.5, NaN, Infinity, -Infinity]
        for (const s of sizes)
            for (const a of aligns) {
                let valid = true
                try {
                    new Layout(s, a)
                } catch (e) {
                    expect(e).toBeInstanceOf(LayoutError)
                    valid = false
                }
                expect(layoutOk(s, a), `size ${s}, align ${a}`).toBe(valid)
            }
    })
})
