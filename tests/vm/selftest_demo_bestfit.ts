/**
 * In-VM self-test of the firmware's main job (tests/vm/demo_case.ts) with
 * the allocators of pair_bestfit.ts. Run by tests/vm.test.ts as
 * `devs run tests/vm/selftest_demo_bestfit.ts --test --test-self-exit`.
 */
import { registerDemos } from "./demo_case"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_bestfit"

registerDemos(PAIR_KINDS, PAIR_MAKERS)
