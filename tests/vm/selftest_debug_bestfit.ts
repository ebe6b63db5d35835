/**
 * In-VM self-tests of the debug modes (src/layers/debug.ts) for the allocators of
 * pair_bestfit.ts: the portable cases of tests/contract/debug.ts (each wraps
 * the fresh allocator in its own DebugAllocator) on 8 KiB regions.
 * Run by tests/vm.test.ts.
 */
import { DEBUG_CASES } from "../contract/debug"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_bestfit"
import { registerForEach } from "./register_target"

registerForEach("debug modes", 8192, DEBUG_CASES, PAIR_KINDS, PAIR_MAKERS)
