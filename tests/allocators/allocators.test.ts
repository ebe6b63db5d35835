/**
 * The conformance cases (tests/contract/conformance.ts) and the property
 * suite (tests/properties.ts), run against every allocator on the regions of
 * real boards and on an odd-sized region.
 */
import { describe, test } from "vitest"
import { boardById } from "../../boards/index"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { propertySuite } from "../properties"

const REGIONS: { name: string; region: () => StaticRegion }[] = [
    { name: "pico (32 KiB)", region: () => StaticRegion.forBoard(boardById("pico")) },
    { name: "esp32s2 (16 KiB)", region: () => StaticRegion.forBoard(boardById("esp32s2")) },
    { name: "an odd 24,000-byte region", region: () => new StaticRegion(0x3fca0000, 24000) },
]

for (const kind of HEAP_KINDS) {
    for (const r of REGIONS) {
        describe(`GlobalAlloc conformance: ${kind} on ${r.name}`, () => {
            const target = { name: `${kind} on ${r.name}`, make: () => makeAllocator(kind, r.region()) }
            for (const c of CONFORMANCE_CASES) test(c.name, () => c.run(target))
        })
    }
    propertySuite(`${kind} on pico`, () => makeAllocator(kind, StaticRegion.forBoard(boardById("pico"))))
}
