/**
 * In-VM self-test of the firmware's main job (tests/vm/demo_case.ts) with
 * buddy and bump. Run by tests/vm.test.ts as
 * `devs run tests/vm/selftest_demo_buddy_bump.ts --test --test-self-exit`.
 */
import { BuddyAllocator } from "../../src/buddy"
import { BumpAllocator } from "../../src/bump"
import { StaticRegion } from "../../src/region"
import { registerDemos } from "./demo_case"

registerDemos(["buddy", "bump"], [(r: StaticRegion) => new BuddyAllocator(r), (r: StaticRegion) => new BumpAllocator(r)])
