/**
 * In-VM self-tests of trace replay for buddy, bump, tlsf and pool (the cases:
 * replay_cases.ts; bestfit: selftest_replay_bestfit.ts).
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_replay.ts --test --test-self-exit`.
 */
import { PAIR_KINDS as BB_KINDS, PAIR_MAKERS as BB_MAKERS } from "./pair_buddy_bump"
import { PAIR_KINDS as TP_KINDS, PAIR_MAKERS as TP_MAKERS } from "./pair_tlsf_pool"
import { registerReplays } from "./replay_cases"

registerReplays(BB_KINDS, BB_MAKERS, 0)
registerReplays(TP_KINDS, TP_MAKERS, 2)
