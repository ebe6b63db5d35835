/**
 * VM program (not a self-test: run with GC-stress off by tests/vm.test.ts
 * through sim/vm_loader.ts): the stream fuzz of tests/fuzz/stream.ts with
 * the default seed, its protocol lines on the console, then STREAM_DONE.
 */
import { DEFAULT_SEED } from "../fuzz/ops"
import { fuzzStream, STREAM_DONE } from "../fuzz/stream"

await fuzzStream(DEFAULT_SEED)
console.log(STREAM_DONE)
