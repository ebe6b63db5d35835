/**
 * Box (src/collections/boxed.ts) on the host: the portable cases (tests/contract/boxed.ts)
 * for every allocator kind on real boards' regions, plus the public export.
 */
import { describe, expect, test } from "vitest"
import { boardById } from "../../boards/index"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { Box } from "../../src/collections/boxed"
import { StaticRegion } from "../../src/core/region"
import { BOX_CASES } from "../contract/boxed"
import * as api from "../../src/index"

const REGIONS: { name: string; region: () => StaticRegion }[] = [
    { name: "pico (32 KiB)", region: () => StaticRegion.forBoard(boardById("pico")) },
    { name: "esp32s2 (16 KiB)", region: () => StaticRegion.forBoard(boardById("esp32s2")) },
]

for (const kind of HEAP_KINDS) {
    for (const r of REGIONS) {
        describe(`Box: ${kind} on ${r.name}`, () => {
            const target = { name: `${kind} on ${r.name}`, make: () => makeAllocator(kind, r.region()) }
            for (const c of BOX_CASES) test(c.name, () => c.run(target))
        })
    }
}

test("the public API exports Box", () => {
    expect(api.Box).toBe(Box)
})
