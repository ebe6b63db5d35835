/**
 * In-VM self-test of the firmware's main job (tests/vm/demo_case.ts) with
 * tlsf and pool. Run by tests/vm.test.ts as
 * `devs run tests/vm/selftest_demo_tlsf_pool.ts --test --test-self-exit`.
 */
import { PoolAllocator } from "../../src/pool"
import { StaticRegion } from "../../src/region"
import { TlsfAllocator } from "../../src/tlsf"
import { registerDemos } from "./demo_case"

registerDemos(["tlsf", "pool"], [(r: StaticRegion) => new TlsfAllocator(r), (r: StaticRegion) => new PoolAllocator(r)])
