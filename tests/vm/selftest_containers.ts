/**
 * In-VM self-tests of Vec (src/vec.ts), HeapString (src/heap_string.ts) and
 * the out-of-memory hook (src/oom_hook.ts): the same portable cases the host
 * runs (tests/contract/containers.ts, tests/contract/oom_hook.ts), inside
 * DeviceScript's VM via @devicescript/test, for every allocator kind.
 * Split from selftest_api.ts because one program must stay under
 * DeviceScript's 64 KB of function bytecode.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_containers.ts --test --test-self-exit`.
 */
import { describe, test } from "@devicescript/test"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators"
import { StaticRegion } from "../../src/region"
import { ConformanceCase, ConformanceTarget } from "../contract/conformance"
import { CONTAINER_CASES } from "../contract/containers"
import { OOM_CASES } from "../contract/oom_hook"

function registerCase(target: ConformanceTarget, c: ConformanceCase): void {
    test(c.name, async () => {
        await c.run(target)
    })
}

function registerAllocator(kind: string): void {
    describe("Vec and HeapString: " + kind, () => {
        const target: ConformanceTarget = {
            name: kind + " on 8 KiB",
            make: () => makeAllocator(kind, new StaticRegion(0x20020000, 8192)),
        }
        CONTAINER_CASES.forEach(c => registerCase(target, c))
    })
    describe("OOM hook: " + kind, () => {
        const target: ConformanceTarget = {
            name: kind + " on 4 KiB",
            make: () => makeAllocator(kind, new StaticRegion(0x20020000, 4096)),
        }
        OOM_CASES.forEach(c => registerCase(target, c))
    })
}

ALLOCATOR_KINDS.forEach(registerAllocator)
