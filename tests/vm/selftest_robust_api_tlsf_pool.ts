/**
 * In-VM self-tests of hostile input to the Allocator API, the global
 * functions and the containers (issue 9), for the allocators of
 * pair_tlsf_pool.ts: the portable case of tests/contract/robustness_api.ts on
 * 8 KiB regions. Split by pair (not through registry.ts, which links every
 * allocator) so each program stays under 64 KB of function bytecode.
 * Run by tests/vm.test.ts.
 */
import { ROBUSTNESS_API_CASES } from "../contract/robustness_api"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_tlsf_pool"
import { registerForEach } from "./register_target"

registerForEach("robustness api", 8192, ROBUSTNESS_API_CASES, PAIR_KINDS, PAIR_MAKERS)
