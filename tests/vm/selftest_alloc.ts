/**
 * In-VM self-tests of the allocators: the same conformance cases the host
 * runs (tests/contract/conformance.ts), here inside DeviceScript's VM via
 * @devicescript/test, on an 8 KiB region (GC-stress makes every call cost
 * ~40 µs, so the region is smaller than a board's). The firmware's demo on a
 * board's real region is in selftest_demo.ts, a VM of its own.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_alloc.ts --test --test-self-exit`.
 */
import { ALLOCATOR_KINDS } from "../../src/allocators/registry"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { registerCases } from "./register"

function registerAllocator(kind: string): void {
    registerCases("conformance", kind, 8192, CONFORMANCE_CASES)
}

ALLOCATOR_KINDS.forEach(registerAllocator)
