/**
 * In-VM self-test of the firmware's main job (tests/vm/demo_case.ts) with
 * the allocators of pair_buddy_bump.ts. Run by tests/vm.test.ts as
 * `devs run tests/vm/selftest_demo_buddy_bump.ts --test --test-self-exit`.
 */
import { registerDemos } from "./demo_case"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_buddy_bump"

registerDemos(PAIR_KINDS, PAIR_MAKERS)
