/**
 * In-VM self-tests of hostile and careless input (issue 9) for the allocators
 * of pair_tlsf_pool.ts: the portable cases of tests/contract/robustness.ts
 * (garbage pointers, forged layouts, debug-layer codes, region, API and
 * containers) on 8 KiB regions. Run by tests/vm.test.ts.
 */
import { ROBUSTNESS_CASES } from "../contract/robustness"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_tlsf_pool"
import { registerForEach } from "./register_target"

registerForEach("robustness", 8192, ROBUSTNESS_CASES, PAIR_KINDS, PAIR_MAKERS)
