/**
 * In-VM self-tests of the two allocators that are not one region
 * (pair_system_multi.ts: system, multi): the conformance cases, the
 * Allocator API cases and their robustness cases, as the host runs them, on
 * 8 KiB (system: an 8 KiB budget of Buffers on the VM's own heap; multi: an
 * 8 KiB and a 4 KiB TLSF part). The conformance clause that cannot apply to
 * system (fragmentation) says why in its case and checks what system
 * promises instead. Run by tests/vm.test.ts with devs run --test
 * --test-self-exit.
 */
import { ALLOCATOR_API_CASES } from "../contract/allocator_api"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { ROBUSTNESS_API_CASES } from "../contract/robustness_api"
import { PAIR_KINDS, PAIR_MAKERS } from "./pair_system_multi"
import { registerForEach } from "./register_target"

registerForEach("conformance", 8192, CONFORMANCE_CASES, PAIR_KINDS, PAIR_MAKERS)
registerForEach("Allocator API", 8192, ALLOCATOR_API_CASES, PAIR_KINDS, PAIR_MAKERS)
registerForEach("robustness api", 8192, ROBUSTNESS_API_CASES, PAIR_KINDS, PAIR_MAKERS)
