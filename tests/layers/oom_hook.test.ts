/** The out-of-memory hook (src/layers/oom_hook.ts) around every allocator. */
import { describe, test } from "vitest"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"
import { OOM_CASES } from "../contract/oom_hook"

for (const kind of HEAP_KINDS) {
    describe(`OomHookAllocator over ${kind}`, () => {
        // multi carves two MAX_ALIGN-aligned parts out of its region, which needs more than 4 KiB (multi.ts).
        const kib = kind === "multi" ? 8 : 4
        const target = { name: `${kind} on ${kib} KiB`, make: () => makeAllocator(kind, new StaticRegion(0x20020000, kib * 1024)) }
        for (const c of OOM_CASES) test(c.name, () => c.run(target))
    })
}
