/**
 * In-VM self-tests of hostile input to the Allocator API, the global
 * functions and the containers (issue 9), for the allocators of
 * pair_buddy_bump.ts and pair_tlsf_pool.ts (bestfit: selftest_robust_api_bestfit.ts;
 * the registry's five kinds in one program pass DeviceScript's 64 KB of
 * function bytecode): the portable case of tests/contract/robustness_api.ts
 * on 8 KiB regions. Run by tests/vm.test.ts.
 */
import { ROBUSTNESS_API_CASES } from "../contract/robustness_api"
import { PAIR_KINDS as BB_KINDS, PAIR_MAKERS as BB_MAKERS } from "./pair_buddy_bump"
import { PAIR_KINDS as TP_KINDS, PAIR_MAKERS as TP_MAKERS } from "./pair_tlsf_pool"
import { registerForEach } from "./register_target"

registerForEach("robustness api", 8192, ROBUSTNESS_API_CASES, BB_KINDS, BB_MAKERS)
registerForEach("robustness api", 8192, ROBUSTNESS_API_CASES, TP_KINDS, TP_MAKERS)
