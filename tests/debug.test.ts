/**
 * The debug modes (src/debug.ts) over every allocator kind: the portable
 * debug cases (tests/contract/debug.ts), and the shared GlobalAlloc
 * conformance cases and property suite through DebugAllocator at Light and
 * at Full, so the wrapper keeps the contract it wraps.
 *
 * Full with its default quarantine holds freed blocks back on purpose, which
 * four conformance cases rule out by what they assert: that a freed block is
 * free at once ("dealloc returns memory", the minFree low-water case, the
 * fragmentation checkerboard) or reused at once ("allocZeroed ... dirty":
 * q === p). Those run at Full with quarantineBytes 0 (fills on, quarantine
 * off), as does the property suite (it ends with free === the initial free);
 * every other conformance case also runs at Full with the default quarantine,
 * and QUARANTINE_EXCLUDED is checked to name only cases that exist.
 */
import { describe, expect, test } from "vitest"
import { boardById } from "../boards/index"
import { ALLOCATOR_KINDS, makeAllocator } from "../src/allocators"
import { DebugAllocator, DebugLevel } from "../src/debug"
import { StaticRegion } from "../src/region"
import { CONFORMANCE_CASES } from "./contract/conformance"
import { DEBUG_CASES } from "./contract/debug"
import { propertySuite } from "./properties"

/** Conformance cases that assert a freed block is free or reused at once (see the header). */
const QUARANTINE_EXCLUDED = [
    "dealloc returns memory: stats go back and counts add up",
    "allocZeroed returns zeroed bytes even where memory was dirty",
    "diagnostics: peakRequest counts every request, served or not; minFree is the low-water mark",
    "diagnostics: fragmentation is 0..100, grows when free memory is split and is computed only by diagnostics()",
]

const pico = () => StaticRegion.forBoard(boardById("pico"))

test("QUARANTINE_EXCLUDED names existing conformance cases", () => {
    const names = CONFORMANCE_CASES.map(c => c.name)
    for (const n of QUARANTINE_EXCLUDED) if (names.indexOf(n) < 0) expect.fail(`no conformance case named "${n}"`)
})

for (const kind of ALLOCATOR_KINDS) {
    describe(`debug cases: ${kind} on 8 KiB`, () => {
        const target = { name: `${kind} on 8 KiB`, make: () => makeAllocator(kind, new StaticRegion(0x20020000, 8192)) }
        for (const c of DEBUG_CASES) test(c.name, () => c.run(target))
    })

    const variants: { name: string; level: DebugLevel; q?: number; exclude: string[] }[] = [
        { name: "light", level: DebugLevel.Light, exclude: [] },
        { name: "full, no quarantine", level: DebugLevel.Full, q: 0, exclude: [] },
        { name: "full", level: DebugLevel.Full, exclude: QUARANTINE_EXCLUDED },
    ]
    for (const v of variants) {
        const make = () => new DebugAllocator(makeAllocator(kind, pico()), v.level, v.q === undefined ? undefined : { quarantineBytes: v.q })
        describe(`GlobalAlloc conformance through DebugAllocator (${v.name}): ${kind} on pico`, () => {
            const target = { name: `debug ${v.name} over ${kind}`, make }
            for (const c of CONFORMANCE_CASES) if (v.exclude.indexOf(c.name) < 0) test(c.name, () => c.run(target))
        })
        if (v.exclude.length === 0) propertySuite(`DebugAllocator (${v.name}) over ${kind} on pico`, make)
    }
}
