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
import { ALLOCATOR_KINDS } from "../../src/allocators"
import { CONTAINER_CASES } from "../contract/containers"
import { OOM_CASES } from "../contract/oom_hook"
import { registerCases } from "./register"

function registerAllocator(kind: string): void {
    registerCases("Vec and HeapString", kind, 8192, CONTAINER_CASES)
    registerCases("OOM hook", kind, 4096, OOM_CASES)
}

ALLOCATOR_KINDS.forEach(registerAllocator)
