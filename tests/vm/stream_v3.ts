/**
 * tests/vm/stream_v3.ts — a VM program printing the protocol-version-3
 * streams of tests/contract/multi_stream.ts (MULTI_STREAMS) on the console,
 * as a device would. tests/layers/protocol_v3_vm.test.ts builds it, runs it
 * in DeviceScript's VM and compares its lines with the same streams written
 * on the host, byte for byte. Links TLSF, buddy, multi and the logger only.
 * It sleeps every 10 steps: the VM's watchdog allows 131,072 opcodes per
 * fiber activation (devicescript.md §2.3), and a multi heap's call costs
 * thousands (MultiAllocator.notePeak reads every part's stats()).
 */
import * as ds from "@devicescript/core"
import { MULTI_STREAMS, multiStream, STREAM_STEPS } from "../contract/multi_stream"

for (let i = 0; i < MULTI_STREAMS.length; i++) {
    const w = multiStream(i, undefined)
    while (w.done < STREAM_STEPS) {
        w.run(10)
        await ds.sleep(0)
    }
}
