/**
 * In-VM self-tests of hostile and careless input (issue 9) for the
 * allocators of pair_system_multi.ts: the portable cases of
 * tests/contract/robustness.ts on 8 KiB, every layer stack included (the
 * debug layer wraps their views as it wraps one region). Run by
 * tests/vm.test.ts.
 */
import { ROBUSTNESS_CASES } from "../contract/robustness"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_system_multi"
import { registerForEach } from "./register_target"

registerForEach("robustness", 8192, ROBUSTNESS_CASES, PAIR_KINDS, PAIR_MAKERS)
