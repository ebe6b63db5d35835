/**
 * In-VM self-tests of the Allocator API (src/api/allocator_api.ts) and Box
 * (src/collections/boxed.ts) for the allocators of pair_bestfit.ts: the portable cases the
 * host runs (tests/contract/allocator_api.ts, tests/contract/boxed.ts) on
 * 8 KiB regions. Run by tests/vm.test.ts with devs run --test --test-self-exit.
 */
import { ALLOCATOR_API_CASES } from "../contract/allocator_api"
import { BOX_CASES } from "../contract/boxed"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_bestfit"
import { registerForEach } from "./register_target"

registerForEach("Allocator API", 8192, ALLOCATOR_API_CASES, PAIR_KINDS, PAIR_MAKERS)
registerForEach("Box", 8192, BOX_CASES, PAIR_KINDS, PAIR_MAKERS)
