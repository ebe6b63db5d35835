/** The out-of-memory hook (src/layers/oom_hook.ts) around every allocator. */
import { describe, test } from "vitest"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"
import { OOM_CASES } from "../contract/oom_hook"

for (const kind of HEAP_KINDS) {
    describe(`OomHookAllocator over ${kind}`, () => {
        const target = { name: `${kind} on 4 KiB`, make: () => makeAllocator(kind, new StaticRegion(0x20020000, 4096)) }
        for (const c of OOM_CASES) test(c.name, () => c.run(target))
    })
}
