/**
 * In-VM self-tests of hostile input to the Allocator API, the global
 * functions and the containers (issue 9), for every allocator kind: the
 * portable case of tests/contract/robustness_api.ts on 8 KiB regions.
 * Run by tests/vm.test.ts.
 */
import { ALLOCATOR_KINDS } from "../../src/allocators/registry"
import { ROBUSTNESS_API_CASES } from "../contract/robustness_api"
import { registerCases } from "./register"

ALLOCATOR_KINDS.forEach(kind => registerCases("robustness api", kind, 8192, ROBUSTNESS_API_CASES))
