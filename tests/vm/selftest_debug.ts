/**
 * In-VM self-tests of the debug modes (src/debug.ts): the same portable cases
 * the host runs (tests/contract/debug.ts), inside DeviceScript's VM via
 * @devicescript/test, for every allocator kind on an 8 KiB region. Each case
 * wraps the fresh allocator in its own DebugAllocator, so the shared
 * registerCases (tests/vm/register.ts) serves as it is.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_debug.ts --test --test-self-exit`.
 */
import { ALLOCATOR_KINDS } from "../../src/allocators"
import { DEBUG_CASES } from "../contract/debug"
import { registerCases } from "./register"

function registerAllocator(kind: string): void {
    registerCases("debug modes", kind, 8192, DEBUG_CASES)
}

ALLOCATOR_KINDS.forEach(registerAllocator)
