/** The CI fuzz run of pool (tests/fuzz/suite.ts): 10^6 shadow-checked random ops, own file so vitest uses both cores. */
import { fuzzKind } from "./suite"

fuzzKind("pool")
