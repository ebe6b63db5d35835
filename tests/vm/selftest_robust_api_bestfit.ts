/**
 * selftest_robust_api.ts's cases for the allocator of pair_bestfit.ts (a
 * program of its own: see that file). Run by tests/vm.test.ts.
 */
import { ROBUSTNESS_API_CASES } from "../contract/robustness_api"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_bestfit"
import { registerForEach } from "./register_target"

registerForEach("robustness api", 8192, ROBUSTNESS_API_CASES, PAIR_KINDS, PAIR_MAKERS)
