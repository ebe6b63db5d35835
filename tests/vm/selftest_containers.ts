/**
 * In-VM self-tests of Vec (src/vec.ts) and HeapString (src/heap_string.ts):
 * the same portable cases the host runs (tests/contract/containers.ts),
 * inside DeviceScript's VM via @devicescript/test, for every allocator kind.
 * Split from selftest_api.ts and selftest_oom.ts because one program must
 * stay under DeviceScript's 64 KB of function bytecode.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_containers.ts --test --test-self-exit`.
 */
import { ALLOCATOR_KINDS } from "../../src/allocators"
import { CONTAINER_CASES } from "../contract/containers"
import { registerCases } from "./register"

function registerAllocator(kind: string): void {
    registerCases("Vec and HeapString", kind, 8192, CONTAINER_CASES)
}

ALLOCATOR_KINDS.forEach(registerAllocator)
