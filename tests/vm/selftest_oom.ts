/**
 * In-VM self-tests of the out-of-memory hook (src/layers/oom_hook.ts), its events
 * and its stream through the logging wrapper: the portable cases of
 * tests/contract/oom_hook.ts, for every allocator kind on a 4 KiB region.
 * A program of its own to keep each under DeviceScript's 64 KB of function
 * bytecode.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_oom.ts --test --test-self-exit`.
 */
import { ALLOCATOR_KINDS } from "../../src/allocators/registry"
import { OOM_CASES } from "../contract/oom_hook"
import { registerCases } from "./register"

function registerAllocator(kind: string): void {
    registerCases("OOM hook", kind, 4096, OOM_CASES)
}

ALLOCATOR_KINDS.forEach(registerAllocator)
