/**
 * In-VM self-tests of the Allocator API (src/allocator_api.ts) and Box
 * (src/boxed.ts): the same portable cases the host runs
 * (tests/contract/allocator_api.ts, tests/contract/boxed.ts), here inside
 * DeviceScript's VM via @devicescript/test, for every allocator kind on an
 * 8 KiB region (GC-stress makes every call cost ~40 µs). Vec, HeapString
 * and the OOM hook are in selftest_containers.ts: one program must stay under
 * DeviceScript's 64 KB of function bytecode.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_api.ts --test --test-self-exit`.
 */
import { ALLOCATOR_KINDS } from "../../src/allocators"
import { ALLOCATOR_API_CASES } from "../contract/allocator_api"
import { BOX_CASES } from "../contract/boxed"
import { registerCases } from "./register"

function registerAllocator(kind: string): void {
    registerCases("Allocator API", kind, 8192, ALLOCATOR_API_CASES)
    registerCases("Box", kind, 8192, BOX_CASES)
}

ALLOCATOR_KINDS.forEach(registerAllocator)
