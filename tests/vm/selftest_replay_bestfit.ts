/**
 * In-VM self-tests of trace replay for bestfit (the cases: replay_cases.ts).
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_replay_bestfit.ts --test --test-self-exit`.
 */
import { PAIR_KINDS as BF_KINDS, PAIR_MAKERS as BF_MAKERS } from "./pair_bestfit"
import { registerReplays } from "./replay_cases"

registerReplays(BF_KINDS, BF_MAKERS, 4)
